"""Who sees which page: sign-in, read-only leaders, the 403 page, and no inline scripts."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chainvest.projects.models import Project
from tests.web import factories as f
from tests.web.factories import D


@pytest.fixture
def world(cast, changji):
    wind = f.chain()
    f.link(wind, "blade", "叶片", "midstream")
    fair = f.event("2023年第一场招商推介会", D(2023, 3, 10), place="昌吉市", occasion="亚欧博览会")
    blade = f.project(
        cast["qitai"],
        changji["qitai"],
        "风机叶片项目",
        signed=D(2023, 3, 10),
        chain_id=wind.id,
        event_id=fair.id,
        industry="装备制造",
    )
    return {"chain": wind, "event": fair, "project": blade}


def pages(world) -> dict[str, str]:
    pk = world["project"].pk
    return {
        "dashboard": reverse("web:dashboard"),
        "chains": reverse("web:chains"),
        "chain": reverse("web:chain", args=[world["chain"].code]),
        "projects": reverse("web:projects"),
        "project": reverse("web:project", args=[pk]),
        "project_create": reverse("web:project_create"),
        "project_edit": reverse("web:project_edit", args=[pk]),
        "events": reverse("web:events"),
        "event": reverse("web:event", args=[world["event"].pk]),
        "event_plan": reverse("web:event_plan", args=[2023]),
    }


READ_PAGES = [
    "dashboard", "chains", "chain", "projects", "project", "events", "event", "event_plan",
]  # fmt: skip
WRITE_PAGES = ["project_create", "project_edit"]


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, world, page):
    url = pages(world)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=")


@pytest.mark.parametrize("action", ["project_transition", "project_follow_up"])
def test_anonymous_post_is_sent_to_login_and_changes_nothing(client, world, action):
    project = world["project"]
    response = client.post(reverse(f"web:{action}", args=[project.pk]), {"to_stage": "registered"})
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).stage == "signed"


@pytest.mark.parametrize("page", READ_PAGES)
def test_leader_reads_every_page(client, world, page):
    response = f.signed_in(client, "t_leader").get(pages(world)[page])
    assert response.status_code == 200
    assert "领导" in response.content.decode()


@pytest.mark.parametrize("page", WRITE_PAGES)
def test_leader_cannot_open_the_edit_forms(client, world, page):
    response = f.signed_in(client, "t_leader").get(pages(world)[page])
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_leader_sees_no_action_forms(client, world):
    leader = f.signed_in(client, "t_leader")
    detail = leader.get(pages(world)["project"]).content.decode()
    listing = leader.get(pages(world)["projects"]).content.decode()
    assert "阶段变更</strong>" not in detail
    assert "添加跟进" not in detail
    assert reverse("web:project_edit", args=[world["project"].pk]) not in detail
    assert reverse("web:project_create") not in listing


def test_user_without_a_role_gets_the_403_page(client, world):
    get_user_model().objects.create_user("norole", password=f.PASSWORD)
    response = f.signed_in(client, "norole").get(reverse("web:dashboard"))
    assert response.status_code == 403
    assert "尚未分配角色" in response.content.decode()


def test_login_page_signs_in_and_lands_on_the_dashboard(client, cast):
    page = client.get(reverse("web:login"))
    assert page.status_code == 200
    assert "登 录" in page.content.decode()
    response = client.post(
        reverse("web:login"), {"username": "t_qitai", "password": f.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("web:dashboard")
    assert "奇台县 · 县市/园区招商专员" in response.content.decode()


def test_wrong_password_is_refused_in_chinese(client, cast):
    response = client.post(reverse("web:login"), {"username": "t_qitai", "password": "x"})
    assert response.status_code == 200
    assert "正确的" in response.content.decode()


def test_logout_is_a_confirmed_post(client, cast):
    page = f.signed_in(client, "t_admin").get(reverse("web:dashboard")).content.decode()
    assert 'data-confirm="确定注销并退出系统吗？"' in page
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_navbar_shows_name_role_and_scope(client, world):
    page = f.signed_in(client, "t_qitai").get(reverse("web:projects")).content.decode()
    assert "t_qitai" in page
    assert "奇台县 · 县市/园区招商专员" in page
    assert "退出登录" in page


def test_demo_records_carry_the_tag_and_the_footer_explains_it(client, world):
    Project.objects.filter(pk=world["project"].pk).update(is_demo=True)
    page = f.signed_in(client, "t_leader").get(pages(world)["project"]).content.decode()
    assert 'class="tag tag-demo" title="示例数据，仅作演示">示例</span>' in page
    assert "的记录为演示用的示例数据" in page
    world["event"].is_demo = True
    world["event"].save()
    listing = client.get(pages(world)["events"]).content.decode()
    assert listing.count('title="示例数据，仅作演示">示例</span>') == 1


def test_no_page_carries_inline_script(client, world):
    admin = f.signed_in(client, "t_admin")
    urls = list(pages(world).values())
    for url in urls:
        html = admin.get(url).content.decode()
        assert f.inline_scripts(html) == [], url
        assert 'src="/static/vendor/htmx.min.js"' in html, url
    partial = admin.get(
        reverse("web:projects"), headers={"HX-Request": "true", "HX-Target": "project-table"}
    )
    assert f.inline_scripts(partial.content.decode()) == []
    client.logout()
    assert f.inline_scripts(client.get(reverse("web:login")).content.decode()) == []


def test_the_inline_script_check_catches_inline_code():
    assert f.inline_scripts("<script>alert(1)</script>") == ["alert(1)"]
    assert f.inline_scripts('<button onclick="x()">') != []
    assert f.inline_scripts('<script src="/a.js"></script>') == []
    assert f.inline_scripts('<script id="d" type="application/json">{}</script>') == []
