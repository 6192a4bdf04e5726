"""The project pages: list and search, create/edit, stage moves, follow-ups, the change log."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from chainvest.projects.models import FollowUp, Project, StageChange
from chainvest.regions.models import Park
from tests.web import factories as f
from tests.web.factories import D


@pytest.fixture
def world(cast, changji):
    wind = f.chain()
    solar = f.chain("photovoltaic", "光伏")
    fair = f.event("2023年第一场招商推介会", D(2023, 3, 10))
    qitai = f.project(
        cast["qitai"],
        changji["qitai"],
        "奇台风机叶片项目",
        agreed="百亿元以上",
        signed=D(2023, 3, 10),
        chain_id=wind.id,
        event_id=fair.id,
        investor_name="某风电集团",
    )
    mulei = f.project(cast["mulei"], changji["mulei"], "木垒光伏组件项目", chain_id=solar.id)
    return {"wind": wind, "solar": solar, "event": fair, "qitai": qitai, "mulei": mulei}


ROW_LINK = re.compile(r'href="/projects/\d+/"')


def snapshot(project):
    row = Project.objects.get(pk=project.pk)
    return {field.attname: getattr(row, field.attname) for field in Project._meta.concrete_fields}


def url(name, project=None):
    return reverse(f"web:{name}", args=[project.pk] if project else [])


# --- list -----------------------------------------------------------------------------------


def test_list_shows_the_ruoyi_columns_and_the_total(client, world):
    page = f.signed_in(client, "t_leader").get(url("projects")).content.decode()
    for header in [
        "项目名称",
        "所属县市",
        "所属产业链",
        "投资方",
        "协议投资额(亿元)",
        "项目阶段",
        "签约日期",
        "签约活动",
    ]:
        assert re.search(rf"<th[^>]*>{re.escape(header)}</th>", page), header
    assert "共 2 条" in page
    assert "100以上" in page  # 百亿元以上 stays a lower bound
    assert "2023-03-10" in page
    assert "请输入项目名称" in page and "搜索" in page and "重置" in page


def test_list_filters_by_county_chain_stage_event_and_name(client, world):
    reader = f.signed_in(client, "t_leader")
    cases = {
        "county=652328": "木垒光伏组件项目",
        "chain=wind-power": "奇台风机叶片项目",
        "stage=lead": "木垒光伏组件项目",
        f"event={world['event'].pk}": "奇台风机叶片项目",
        "name=光伏": "木垒光伏组件项目",
    }
    for query, expected in cases.items():
        page = reader.get(f"{url('projects')}?{query}").content.decode()
        assert expected in page, query
        assert "共 1 条" in page, query


def test_a_stale_code_in_the_url_narrows_nothing(client, world):
    page = f.signed_in(client, "t_leader").get(url("projects") + "?county=999999").content.decode()
    assert "共 2 条" in page


def test_htmx_search_returns_only_the_table(client, world):
    response = f.signed_in(client, "t_leader").get(
        url("projects") + "?name=叶片",
        headers={"HX-Request": "true", "HX-Target": "project-table"},
    )
    html = response.content.decode()
    assert "奇台风机叶片项目" in html and "木垒光伏组件项目" not in html
    assert "<html" not in html and 'class="search-form"' not in html
    assert "HX-Target" in response["Vary"]


def test_pagination_offers_10_20_50_and_pages(client, cast, changji, world):
    for n in range(11):
        f.project(cast["qitai"], changji["qitai"], f"批量项目{n:02d}")
    reader = f.signed_in(client, "t_leader")
    first = reader.get(url("projects")).content.decode()
    assert "共 13 条" in first
    assert "10条/页" in first and "20条/页" in first and "50条/页" in first
    assert len(ROW_LINK.findall(first)) == 10
    second = reader.get(url("projects") + "?page=2").content.decode()
    assert len(ROW_LINK.findall(second)) == 3
    assert "?page=1" in second and 'class="page-current">2<' in second
    wide = reader.get(url("projects") + "?size=20").content.decode()
    assert len(ROW_LINK.findall(wide)) == 13


def test_new_button_only_for_those_who_may_create(client, world):
    assert "＋ 新增" in f.signed_in(client, "t_qitai").get(url("projects")).content.decode()
    client.logout()
    assert "＋ 新增" not in f.signed_in(client, "t_analyst").get(url("projects")).content.decode()


# --- create / edit --------------------------------------------------------------------------


def test_officer_creates_a_project_in_their_county(client, changji, world):
    officer = f.signed_in(client, "t_qitai")
    form = officer.get(url("project_create")).content.decode()
    assert "奇台县" in form and "木垒哈萨克自治县" not in form
    response = officer.post(
        url("project_create"),
        {
            "name": "奇台储能电站项目",
            "county": changji["qitai"].pk,
            "agreed": "5亿元",
            "chain": world["wind"].pk,
            "investor_name": "某储能公司",
            "responsible_unit": "奇台县发改委",
        },
    )
    project = Project.objects.get(name="奇台储能电站项目")
    assert response.status_code == 302 and response["Location"] == url("project", project)
    assert (project.county, project.stage, project.agreed_min_wan) == (
        changji["qitai"],
        "lead",
        50000,
    )


def test_create_shows_errors_inline_and_saves_nothing(client, changji, world):
    officer = f.signed_in(client, "t_qitai")
    empty = officer.post(url("project_create"), {"county": changji["qitai"].pk})
    assert empty.status_code == 200
    assert "项目名称不能为空" in empty.content.decode()
    bad_amount = officer.post(
        url("project_create"),
        {
            "name": "金额写错的项目",
            "county": changji["qitai"].pk,
            "agreed": "五个亿",
        },
    )
    assert "协议投资额：无法识别的金额" in bad_amount.content.decode()
    assert not Project.objects.filter(name="金额写错的项目").exists()


def test_officer_cannot_create_in_another_county(client, changji, world):
    response = f.signed_in(client, "t_qitai").post(
        url("project_create"),
        {
            "name": "越权项目",
            "county": changji["mulei"].pk,
        },
    )
    assert response.status_code == 200
    assert "请选择有效的所属县市" in response.content.decode()
    assert not Project.objects.filter(name="越权项目").exists()


def test_park_mismatch_from_the_service_is_shown_on_the_park_field(client, cast, changji, world):
    park = Park.objects.create(
        code="mulei-energy",
        name="木垒新能源高端装备制造产业园",
        short_name="木垒新能源装备园",
        level="other",
        region=changji["mulei"],
    )
    response = f.signed_in(client, "t_admin").post(
        url("project_create"),
        {
            "name": "园区不符的项目",
            "county": changji["qitai"].pk,
            "park": park.pk,
        },
    )
    assert "园区不在所选县市内" in response.content.decode()


def test_leader_post_to_create_is_forbidden(client, changji, world):
    response = f.signed_in(client, "t_leader").post(
        url("project_create"),
        {
            "name": "领导新增",
            "county": changji["qitai"].pk,
        },
    )
    assert response.status_code == 403
    assert not Project.objects.filter(name="领导新增").exists()


def test_officer_edits_own_project_and_history_shows_before_and_after(client, world):
    project = world["qitai"]
    officer = f.signed_in(client, "t_qitai")
    form = officer.get(url("project_edit", project)).content.decode()
    assert 'value="百亿元以上"' in form
    data = {
        "name": project.name,
        "county": project.county_id,
        "chain": world["wind"].pk,
        "investor_name": "某风电集团",
        "agreed": "百亿元以上",
        "liaison_leader": "张副县长",
    }
    assert officer.post(url("project_edit", project), data).status_code == 302
    row = Project.objects.get(pk=project.pk)
    assert row.liaison_leader == "张副县长"
    assert (row.agreed_min_wan, row.agreed_max_wan) == (1_000_000, None)
    page = officer.get(url("project", project)).content.decode()
    assert "包联领导" in page and "张副县长" in page
    assert '<td>包联领导</td><td class="left">-</td><td class="left">张副县长</td>' in page


def test_leader_post_to_edit_is_forbidden_and_changes_nothing(client, world):
    project = world["qitai"]
    before = snapshot(project)
    response = f.signed_in(client, "t_leader").post(
        url("project_edit", project),
        {
            "name": "领导改名",
            "county": project.county_id,
        },
    )
    assert response.status_code == 403
    assert snapshot(project) == before


def test_qitai_officer_cannot_change_a_mulei_project(client, world):
    project = world["mulei"]
    before = snapshot(project)
    officer = f.signed_in(client, "t_qitai")
    assert officer.get(url("project_edit", project)).status_code == 403
    edit = officer.post(url("project_edit", project), {"name": "改名", "county": project.county_id})
    move = officer.post(
        url("project_transition", project), {"to_stage": "negotiating", "date": "2023-05-01"}
    )
    note = officer.post(url("project_follow_up", project), {"date": "2023-05-01", "note": "越权"})
    assert (edit.status_code, move.status_code, note.status_code) == (403, 403, 403)
    assert snapshot(project) == before
    assert not FollowUp.objects.filter(project=project).exists()
    page = officer.get(url("project", project)).content.decode()
    assert "阶段变更</strong>" not in page


# --- project page, stage moves, follow-ups ---------------------------------------------------


def test_project_page_shows_facts_bounds_and_the_stage_bar(client, world):
    page = f.signed_in(client, "t_leader").get(url("project", world["qitai"])).content.decode()
    assert "基本信息" in page and "某风电集团" in page
    assert "100亿元以上（原文：百亿元以上）" in page
    for label in ["线索", "洽谈", "签约", "注册落地", "开工", "投产", "达产"]:
        assert f'<span class="step-label">{label}</span>' in page
    assert "step-current" in page and "2023-03-10" in page


def test_officer_moves_own_project_forward_with_a_date(client, world):
    project = world["qitai"]
    officer = f.signed_in(client, "t_qitai")
    assert "阶段变更</strong>" in officer.get(url("project", project)).content.decode()
    response = officer.post(
        url("project_transition", project), {"to_stage": "registered", "date": "2023-04-01"}
    )
    assert response.status_code == 302
    row = Project.objects.get(pk=project.pk)
    assert (row.stage, row.registered_date) == ("registered", D(2023, 4, 1))
    page = officer.get(url("project", project)).content.decode()
    assert "注册落地" in page and "2023-04-01" in page


def test_forward_move_without_a_date_shows_the_error_and_changes_nothing(client, world):
    project = world["qitai"]
    before = snapshot(project)
    response = f.signed_in(client, "t_qitai").post(
        url("project_transition", project), {"to_stage": "registered", "date": ""}
    )
    assert response.status_code == 200
    assert "进入“注册落地”阶段需要填写注册落地日期" in response.content.decode()
    assert snapshot(project) == before
    assert StageChange.objects.filter(project=project).count() == 1  # only the signing


def test_going_back_is_a_correction_marked_in_the_log(client, world):
    project = world["qitai"]
    officer = f.signed_in(client, "t_qitai")
    refused = officer.post(url("project_transition", project), {"to_stage": "negotiating"})
    assert "如确需调整请作为更正提交" in refused.content.decode()
    officer.post(
        url("project_transition", project),
        {
            "to_stage": "negotiating",
            "correction": "on",
            "reason": "协议尚未正式签署",
        },
    )
    assert Project.objects.get(pk=project.pk).stage == "negotiating"
    page = officer.get(url("project", project)).content.decode()
    assert '<span class="tag tag-danger">更正</span>' in page and "协议尚未正式签署" in page


def test_leader_post_to_transition_is_forbidden_and_changes_nothing(client, world):
    project = world["qitai"]
    before = snapshot(project)
    response = f.signed_in(client, "t_leader").post(
        url("project_transition", project), {"to_stage": "registered", "date": "2023-04-01"}
    )
    assert response.status_code == 403
    assert snapshot(project) == before


def test_follow_ups_are_added_and_listed_newest_first(client, world):
    project = world["qitai"]
    officer = f.signed_in(client, "t_qitai")
    for day, note in [("2023-04-01", "第一次回访"), ("2023-05-01", "第二次回访")]:
        response = officer.post(
            url("project_follow_up", project),
            {
                "date": day,
                "note": note,
                "next_step": "协调用地",
            },
        )
        assert response.status_code == 302
    page = officer.get(url("project", project)).content.decode()
    assert page.index("第二次回访") < page.index("第一次回访")
    assert "下一步：协调用地" in page


def test_follow_up_errors_are_inline(client, world):
    project = world["qitai"]
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    officer = f.signed_in(client, "t_qitai")
    empty = officer.post(url("project_follow_up", project), {"date": "2023-04-01", "note": ""})
    assert "进展不能为空" in empty.content.decode()
    late = officer.post(url("project_follow_up", project), {"date": future, "note": "提前写"})
    assert "跟进日期不能晚于今天" in late.content.decode()
    assert not FollowUp.objects.filter(project=project).exists()


def test_leader_post_of_a_follow_up_is_forbidden(client, world):
    project = world["qitai"]
    response = f.signed_in(client, "t_leader").post(
        url("project_follow_up", project), {"date": "2023-04-01", "note": "领导批示"}
    )
    assert response.status_code == 403
    assert not FollowUp.objects.filter(project=project).exists()


def test_records_without_an_author_show_as_system(client, world):
    # Imported and demo records carry no user; the page must still render.
    project = world["qitai"]
    FollowUp.objects.create(project=project, date=D(2023, 4, 1), note="导入的跟进记录")
    StageChange.objects.filter(project=project).update(user=None)
    page = f.signed_in(client, "t_leader").get(url("project", project))
    assert page.status_code == 200
    assert "2023-04-01 · 系统" in page.content.decode()
