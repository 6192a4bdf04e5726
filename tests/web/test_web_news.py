"""News review page: drafts beside their sentences, accepted by a person, never counted before."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chainvest.events.models import Event
from tests.web import factories as f
from tests.web.factories import D

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "000_b27b06e6fa13e9ad.txt"
REPORT = (
    "12月22日,筠连县2023年12月招商引资项目集中签约仪式在县会议中心举行。"
    "签约企业代表东莞市蜀江新能源科技有限公司总经理曾伟作了发言。"
    "据了解,本次集中签约项目4个,签约金额合计17.51亿元。"
)
ACCEPT = {
    "name": "筠连县2023年12月招商引资项目集中签约仪式",
    "date": "2023-12-22",
    "place": "县会议中心",
    "organiser": "筠连县",
    "text": REPORT,
    "evidence": ["据了解,本次集中签约项目4个,签约金额合计17.51亿元。"],
}


@pytest.fixture
def analyst(client, cast):
    client.force_login(cast["analyst"])
    return client


def test_analyst_sees_drafts_beside_highlighted_sentences(analyst):
    response = analyst.post(reverse("web:news_ingest"), {"text": REPORT, "doc_date": "2023-12-27"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="cited">据了解,本次集中签约项目4个' in page
    assert "17.51亿元" in page and "东莞市蜀江新能源科技有限公司" in page
    assert 'value="2023-12-22"' in page
    assert Event.objects.count() == 0


def test_seed_page_gives_one_draft_with_cumulative_apart(analyst):
    if not SEED.exists():
        pytest.skip("seed page not present")
    response = analyst.post(reverse("web:news_ingest"), {"text": SEED.read_text(encoding="utf-8")})
    page = response.content.decode()
    assert page.count("活动草稿") == 1
    assert "1026亿元" in page and "超过1110亿元" in page


def test_accepting_a_draft_records_the_event_with_its_evidence(analyst):
    response = analyst.post(reverse("web:news_accept"), ACCEPT)
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:event", args=[event.pk])
    assert (event.name, event.date, event.place) == (ACCEPT["name"], D(2023, 12, 22), "县会议中心")
    assert "本次集中签约项目4个" in event.source and "东莞市蜀江新能源" in event.source


def test_a_signing_already_recorded_is_shown_and_not_added_twice(analyst):
    recorded = f.event(ACCEPT["name"], D(2023, 12, 22))
    page = analyst.post(reverse("web:news_ingest"), {"text": REPORT}).content.decode()
    assert "可能已录入" in page and reverse("web:event", args=[recorded.pk]) in page
    response = analyst.post(reverse("web:news_accept"), ACCEPT)
    assert response.status_code == 400
    assert "已录入" in response.content.decode()
    assert Event.objects.count() == 1


def test_a_bad_date_names_the_field_and_changes_nothing(analyst):
    response = analyst.post(reverse("web:news_accept"), {**ACCEPT, "date": "2023-13-40"})
    assert response.status_code == 400
    assert "日期应为" in response.content.decode()
    assert Event.objects.count() == 0


def test_a_promotion_without_signings_gives_no_draft(analyst):
    text = "9月5日,某州在上海举行招商引资推介会,介绍投资环境,百余家企业参加。"
    page = analyst.post(reverse("web:news_ingest"), {"text": text}).content.decode()
    assert "未发现签约活动" in page


def test_leader_may_neither_read_drafts_nor_accept(client, cast):
    client.force_login(cast["leader"])
    assert client.get(reverse("web:news_ingest")).status_code == 403
    assert client.post(reverse("web:news_accept"), ACCEPT).status_code == 403
    assert Event.objects.count() == 0


def test_officer_may_not_accept(client, cast):
    client.force_login(cast["qitai"])
    assert client.post(reverse("web:news_accept"), ACCEPT).status_code == 403
    assert Event.objects.count() == 0


def test_outsiders_are_sent_to_login_or_refused(client, cast):
    response = client.post(reverse("web:news_accept"), ACCEPT)
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
    nobody = get_user_model().objects.create_user("t_nobody", password="x-pass-123")
    client.force_login(nobody)
    assert client.get(reverse("web:news_ingest")).status_code == 403
    assert Event.objects.count() == 0


def test_event_list_offers_the_import_only_to_writers(client, cast):
    client.force_login(cast["analyst"])
    assert reverse("web:news_ingest") in client.get(reverse("web:events")).content.decode()
    client.force_login(cast["leader"])
    assert reverse("web:news_ingest") not in client.get(reverse("web:events")).content.decode()


SEED_DRAFT = {
    "name": "“链”上昌吉 融入“丝路”昌吉州招商引资推介会暨项目签约仪式",
    "date": "2023-08-18",
    "place": "新疆国际会展中心",
    "organiser": "昌吉回族自治州",
    "text": "（原文）",
    "evidence": ["签约仪式现场,各县市(园区)分别与各企业签订招商引资项目17个,总投资1026亿元。"],
    "take": ["1"],
    "p1_company": "中车山东风电有限公司",
    "p1_project": "智慧能源装备产业园项目",
    "p1_location": "奇台县",
    "p1_amount": "百亿元以上",
    "p1_industry": "新能源",
    "p1_evidence": ["计划投资百亿元以上在奇台县打造智慧能源装备产业园项目。"],
}


def test_admin_accepts_the_event_with_a_ticked_project_signed_at_it(client, cast):
    from chainvest.projects.models import Project

    client.force_login(cast["admin"])
    response = client.post(reverse("web:news_accept"), SEED_DRAFT)
    assert response.status_code == 302
    event = Event.objects.get()
    project = Project.objects.get()
    assert (project.event_id, project.stage, project.signed_date) == (
        event.pk,
        "signed",
        event.date,
    )
    assert project.investor_name == "中车山东风电有限公司" and project.county.name == "奇台县"
    assert project.agreed_min_wan == 1_000_000 and project.agreed_max_wan is None
    assert "奇台县打造智慧能源装备产业园" in project.description


def test_a_project_without_a_county_rolls_back_the_whole_acceptance(client, cast):
    from chainvest.projects.models import Project

    client.force_login(cast["admin"])
    response = client.post(reverse("web:news_accept"), {**SEED_DRAFT, "p1_location": ""})
    assert response.status_code == 400
    assert "无法确定所属县市" in response.content.decode()
    assert Event.objects.count() == 0 and Project.objects.count() == 0


def test_analyst_sees_no_project_ticks(analyst):
    if not SEED.exists():
        pytest.skip("seed page not present")
    page = analyst.post(
        reverse("web:news_ingest"), {"text": SEED.read_text(encoding="utf-8")}
    ).content.decode()
    assert 'name="take"' not in page
