"""The enterprise profile (企业画像) and the merge queue, as each role sees them."""

import datetime as dt
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chainvest.enterprises.duplicates import detect_all
from chainvest.enterprises.models import (
    CandidateStatus,
    DuplicateCandidate,
    Enterprise,
    EnterpriseLink,
    EnterpriseRelation,
    MergeRecord,
)
from chainvest.enterprises.services import merge_enterprises, update_enterprise
from chainvest.projects.models import Engagement
from tests.enterprises.test_duplicates_factories import enterprise, uscc
from tests.web import factories as f

PASSWORD = "test-pass-123"


def graph_data(html: str) -> dict:
    match = re.search(
        r'<script id="relation-graph-data" type="application/json">(.*?)</script>', html
    )
    return json.loads(match.group(1))


@pytest.fixture
def world(cast, changji):
    wind = f.chain()
    blade = f.link(wind, "blade", "叶片", "midstream")
    maker = enterprise(
        "新疆天山风电有限公司",
        uscc=uscc(11),
        legal_representative="张三",
        former_names=["昌吉天山风电有限公司"],
        region=changji["changji"],
        registered_capital_text="200万美元",
        registered_capital_currency="USD",
        is_demo=True,
    )
    supplier = enterprise("上海申能轴承有限公司")
    EnterpriseRelation.objects.create(source=supplier, target=maker, kind="supplies", note="轴承")
    EnterpriseLink.objects.create(
        enterprise=maker, link=blade, source="auto", confidence=0.82, reasons=["经营范围“叶片”"]
    )
    Engagement.objects.create(
        enterprise=maker, date=dt.date(2023, 4, 2), kind="visit", summary="上门拜访洽谈叶片扩产"
    )
    project = f.project(cast["admin"], changji["qitai"], "叶片扩产项目", investor_id=maker.pk)
    return {"maker": maker, "supplier": supplier, "project": project, "chain": wind}


@pytest.fixture
def pair(cast):
    a = enterprise("新疆天池（集团）能源有限公司", uscc=uscc(21))
    b = enterprise("新疆天池(集团)能源有限公司")
    detect_all()
    return {"a": a, "b": b, "candidate": DuplicateCandidate.objects.get()}


def login(client, user):
    client.force_login(user)
    return client


# --- profile ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_profile_shows_identity_capital_region_links_relations_engagements_projects(
    client, world, cast
):
    maker = world["maker"]
    html = login(client, cast["leader"]).get(profile_url(maker)).content.decode()
    for text in [
        "新疆天山风电有限公司",
        uscc(11),
        "张三",
        "昌吉天山风电有限公司",
        "200万美元",
        "新疆维吾尔自治区 › 昌吉回族自治州 › 昌吉市",
        "叶片",
        "82%",
        "自动",
        "经营范围“叶片”",
        "上海申能轴承有限公司",
        "供应商",
        "上门拜访洽谈叶片扩产",
        "叶片扩产项目",
        reverse("web:project", args=[world["project"].pk]),
        'class="tag tag-demo"',
    ]:
        assert text in html, text
    assert f.inline_scripts(html) == []


def profile_url(enterprise_):
    return reverse("web:enterprise_profile", args=[enterprise_.pk])


@pytest.mark.django_db
def test_profile_graph_links_every_neighbour_to_its_profile(client, world, cast):
    html = login(client, cast["leader"]).get(profile_url(world["maker"])).content.decode()
    graph = graph_data(html)
    urls = {node["name"]: node["url"] for node in graph["nodes"]}
    assert urls["上海申能轴承有限公司"] == profile_url(world["supplier"])
    assert graph["edges"] == [
        {"source": str(world["supplier"].pk), "target": str(world["maker"].pk), "label": "供应"}
    ]


@pytest.mark.django_db
def test_profile_history_shows_who_changed_what_before_and_after(client, world, cast):
    maker = world["maker"]
    update_enterprise(cast["analyst"], maker, {"legal_representative": "王五"})
    html = login(client, cast["leader"]).get(profile_url(maker)).content.decode()
    assert "法定代表人" in html and "张三" in html and "王五" in html
    assert "t_analyst" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "analyst", "leader", "qitai"])
def test_every_signed_in_role_reads_the_profile(client, world, cast, role):
    response = login(client, cast[role]).get(profile_url(world["maker"]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_profile_and_queue(client, world):
    for url in [profile_url(world["maker"]), reverse("web:enterprise_duplicates")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login") + "?next=")


@pytest.mark.django_db
def test_a_user_without_role_gets_403(client, world):
    nobody = get_user_model().objects.create_user("nobody", password=PASSWORD)
    assert login(client, nobody).get(profile_url(world["maker"])).status_code == 403


@pytest.mark.django_db
def test_unknown_enterprise_is_404(client, cast):
    assert login(client, cast["leader"]).get("/enterprises/999999/").status_code == 404


@pytest.mark.django_db
def test_merged_away_profile_says_where_it_went(client, pair, cast):
    merge_enterprises(cast["analyst"], pair["a"], pair["b"], pair["candidate"])
    html = login(client, cast["leader"]).get(profile_url(pair["b"])).content.decode()
    assert "merged-note" in html
    assert f'href="{profile_url(pair["a"])}"' in html


# --- merge queue --------------------------------------------------------------------------------


def queue(client) -> str:
    return client.get(reverse("web:enterprise_duplicates")).content.decode()


@pytest.mark.django_db
def test_queue_shows_both_sides_and_the_actions_to_an_analyst(client, pair, cast):
    html = queue(login(client, cast["analyst"]))
    assert "新疆天池（集团）能源有限公司" in html and "新疆天池(集团)能源有限公司" in html
    assert uscc(21) in html and "（无）" in html
    assert "名称相同（全半角、空格差异）" in html
    assert reverse("web:enterprise_merge", args=[pair["candidate"].pk]) in html
    assert "非重复" in html
    assert f.inline_scripts(html) == []


@pytest.mark.django_db
def test_leader_reads_the_queue_without_actions(client, pair, cast):
    html = queue(login(client, cast["leader"]))
    assert "新疆天池（集团）能源有限公司" in html
    assert reverse("web:enterprise_merge", args=[pair["candidate"].pk]) not in html
    assert "当前账号只能查看" in html


@pytest.mark.django_db
def test_analyst_merges_from_the_queue(client, pair, cast):
    url = reverse("web:enterprise_merge", args=[pair["candidate"].pk])
    response = login(client, cast["analyst"]).post(url, {"survivor": pair["a"].pk})
    assert response.status_code == 302
    merged = Enterprise.objects.get(pk=pair["b"].pk)
    assert merged.archived and merged.merged_into_id == pair["a"].pk
    assert "已将“新疆天池(集团)能源有限公司”合并到" in queue(client)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "qitai"])
def test_leader_and_officer_get_403_on_every_queue_action(client, pair, cast, role):
    pk = pair["candidate"].pk
    login(client, cast[role])
    for name in ["enterprise_merge", "enterprise_dismiss", "enterprise_link_branch"]:
        assert (
            client.post(reverse(f"web:{name}", args=[pk]), {"survivor": pair["a"].pk}).status_code
            == 403
        )
    assert DuplicateCandidate.objects.get().status == CandidateStatus.OPEN
    assert not Enterprise.objects.filter(archived=True).exists()


@pytest.mark.django_db
def test_anonymous_post_is_sent_to_login_and_changes_nothing(client, pair):
    url = reverse("web:enterprise_merge", args=[pair["candidate"].pk])
    assert client.post(url, {"survivor": pair["a"].pk}).status_code == 302
    assert not MergeRecord.objects.exists()


@pytest.mark.django_db
def test_merge_without_choosing_a_survivor_is_refused(client, pair, cast):
    url = reverse("web:enterprise_merge", args=[pair["candidate"].pk])
    login(client, cast["analyst"]).post(url, {"survivor": "999"})
    assert "请选择保留的企业" in queue(client)
    assert not MergeRecord.objects.exists()


@pytest.mark.django_db
def test_undo_from_the_queue_and_a_second_undo_is_refused(client, pair, cast):
    record = merge_enterprises(cast["analyst"], pair["a"], pair["b"], pair["candidate"])
    url = reverse("web:enterprise_merge_undo", args=[record.pk])
    login(client, cast["analyst"]).post(url)
    assert not Enterprise.objects.get(pk=pair["b"].pk).archived
    client.post(url)
    assert "不能重复撤销" in queue(client)


@pytest.mark.django_db
def test_dismissed_pair_leaves_the_queue(client, pair, cast):
    login(client, cast["analyst"]).post(
        reverse("web:enterprise_dismiss", args=[pair["candidate"].pk])
    )
    assert DuplicateCandidate.objects.get().status == CandidateStatus.DISMISSED
    assert "暂无待处理的疑似重复企业" in queue(client)


@pytest.mark.django_db
def test_branch_pair_offers_and_makes_a_branch_tie(client, cast):
    parent = enterprise("特变电工股份有限公司")
    branch = enterprise("特变电工股份有限公司昌吉分公司")
    detect_all()
    candidate = DuplicateCandidate.objects.get()
    url = reverse("web:enterprise_link_branch", args=[candidate.pk])
    login(client, cast["analyst"])
    assert url in queue(client) and "设为分支机构" in queue(client)
    client.post(url)
    assert EnterpriseRelation.objects.filter(
        source=parent, target=branch, kind="invests_in"
    ).exists()


@pytest.mark.django_db
def test_demo_chain_leader_profile_shows_its_suppliers(client, demo):
    leader = get_user_model().objects.get(username="leader")
    maker = Enterprise.objects.get(name="新疆东方风电")
    html = login(client, leader).get(profile_url(maker)).content.decode()
    names = {node["name"] for node in graph_data(html)["nodes"]}
    assert len(names) >= 3
    assert "木垒哈萨克自治县" in html


@pytest.mark.django_db
def test_merged_profile_offers_undo_to_writers_and_logs_the_merge(client, pair, cast):
    record = merge_enterprises(cast["analyst"], pair["a"], pair["b"], pair["candidate"])
    undo = reverse("web:enterprise_merge_undo", args=[record.pk])
    html = login(client, cast["analyst"]).get(profile_url(pair["b"])).content.decode()
    assert undo in html
    assert "企业合并：合并到" in html and "Deleted" not in html
    assert undo not in login(client, cast["leader"]).get(profile_url(pair["b"])).content.decode()


@pytest.mark.django_db
def test_undo_from_the_profile_returns_to_the_profile(client, pair, cast):
    record = merge_enterprises(cast["analyst"], pair["a"], pair["b"], pair["candidate"])
    url = reverse("web:enterprise_merge_undo", args=[record.pk])
    response = login(client, cast["analyst"]).post(url, {"next": profile_url(pair["b"])})
    assert response["Location"] == profile_url(pair["b"])
    assert "merged-note" not in client.get(profile_url(pair["b"])).content.decode()


@pytest.mark.django_db
def test_an_outside_next_address_is_ignored(client, pair, cast):
    url = reverse("web:enterprise_dismiss", args=[pair["candidate"].pk])
    response = login(client, cast["analyst"]).post(url, {"next": "//evil.example/"})
    assert response["Location"] == reverse("web:enterprise_duplicates")


@pytest.mark.django_db
def test_link_reasons_written_as_objects_read_as_phrases(client, world, cast):
    row = EnterpriseLink.objects.get()
    row.reasons = [{"field": "scope", "phrase": "风电叶片"}, {"kind": "industry", "code": "3415"}]
    row.save()
    html = login(client, cast["leader"]).get(profile_url(world["maker"])).content.decode()
    assert "经营范围“风电叶片”" in html and "3415" in html
