"""The 一月一主题 page: twelve months as a grid; analysts and admins edit a month inline (htmx),
leaders and officers read."""

import pytest
from django.urls import reverse

from chainvest.events.models import Event, EventPlan, PlanMonth, PlanStatus
from chainvest.events.services import create_event_plan, mark_month_held
from tests.web import factories as f
from tests.web.factories import D

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(cast, changji):
    plan = create_event_plan(cast["analyst"], 2023, changji["prefecture"], "2023年一月一主题")
    event = f.event("四月专场", D(2023, 4, 21), theme="新能源及装备制造")
    f.project(cast["qitai"], changji["qitai"], "风机项目", agreed="10亿元", signed=D(2023, 4, 21),
              event_id=event.id)  # fmt: skip
    mark_month_held(cast["analyst"], plan.months.get(month=4), event)
    f.event("五月专场", D(2023, 5, 26))
    return plan


def url(name: str, *args) -> str:
    return reverse(f"web:{name}", args=args)


def slot(plan, n: int) -> PlanMonth:
    return plan.months.get(month=n)


def test_leader_reads_the_twelve_months_with_the_held_months_figures(client, plan):
    response = f.signed_in(client, "t_leader").get(url("event_plan", 2023))
    html = response.content.decode()
    assert response.status_code == 200
    assert all(f'data-testid="month-{n}"' in html for n in range(1, 13))
    assert "新能源及装备制造" in html and "签约项目1个，总投资10亿元" in html
    assert "/edit/" not in html and f.inline_scripts(html) == []


def test_officer_reads_the_plan_but_may_not_edit(client, plan):
    officer = f.signed_in(client, "t_qitai")
    assert officer.get(url("event_plan", 2023)).status_code == 200
    assert officer.get(url("plan_month", 2023, 4)).status_code == 200
    assert officer.get(url("plan_month_edit", 2023, 5)).status_code == 403
    response = officer.post(url("plan_month_edit", 2023, 5), {"theme": "新材料"})
    assert response.status_code == 403 and slot(plan, 5).theme == ""


@pytest.mark.parametrize(
    "name, data",
    [
        ("plan_month_edit", {"theme": "新材料"}),
        ("plan_month_cancel", {"reason": "改期"}),
        ("plan_month_held", {"event": "1"}),
    ],
)
def test_leader_gets_403_on_every_write(client, plan, name, data):
    response = f.signed_in(client, "t_leader").post(url(name, 2023, 5), data)
    assert response.status_code == 403
    assert slot(plan, 5).status == PlanStatus.PLANNED and slot(plan, 5).theme == ""


def test_leader_may_not_create_a_plan(client, plan):
    response = f.signed_in(client, "t_leader").post(url("event_plan", 2024), {"owner": "1"})
    assert response.status_code == 403 and EventPlan.objects.count() == 1


@pytest.mark.parametrize(
    "name, method",
    [("event_plan", "get"), ("plan_month", "get"), ("plan_month_edit", "post"),
     ("plan_month_held", "post"), ("plan_month_cancel", "post")],
)  # fmt: skip
def test_outsiders_are_sent_to_sign_in(client, plan, name, method):
    args = (2023,) if name == "event_plan" else (2023, 5)
    response = getattr(client, method)(url(name, *args))
    assert response.status_code == 302 and "login" in response["Location"]


def test_analyst_creates_the_years_plan(client, plan, changji):
    analyst = f.signed_in(client, "t_analyst")
    html = analyst.get(url("event_plan", 2024)).content.decode()
    assert "2024年尚未制定活动计划" in html and "创建2024年活动计划" in html
    response = analyst.post(url("event_plan", 2024), {"owner": changji["prefecture"].pk})
    assert response.status_code == 302
    assert EventPlan.objects.get(year=2024).months.count() == 12


def test_creating_the_same_plan_twice_shows_the_error(client, plan, changji):
    response = f.signed_in(client, "t_admin").post(
        url("event_plan", 2023), {"owner": changji["prefecture"].pk}
    )
    assert response.status_code == 400
    assert "昌吉回族自治州2023年的活动计划已存在" in response.content.decode()
    assert EventPlan.objects.count() == 1


def test_analyst_edits_a_month_inline(client, plan, changji):
    analyst = f.signed_in(client, "t_analyst")
    chain = f.chain("silicon", "硅基新材料")
    form = analyst.get(url("plan_month_edit", 2023, 5), **HX).content.decode()
    assert 'data-testid="month-form"' in form and "<html" not in form
    data = {"theme": "硅基新材料", "chains": [chain.pk], "host_county": changji["qitai"].pk,
            "planned_date": "2023-05-26", "status": "preparing"}  # fmt: skip
    response = analyst.post(url("plan_month_edit", 2023, 5), data, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="month-5"' in html
    assert "硅基新材料" in html and "筹备" in html
    may = slot(plan, 5)
    assert (may.theme, may.status, may.host_county, list(may.chains.all())) == (
        "硅基新材料", "preparing", changji["qitai"], [chain]
    )  # fmt: skip


def test_a_date_outside_the_month_is_shown_on_its_field_and_nothing_changes(client, plan):
    data = {"theme": "硅基新材料", "planned_date": "2023-06-01"}
    response = f.signed_in(client, "t_analyst").post(url("plan_month_edit", 2023, 5), data, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "计划日期应在2023年5月内" in html
    assert 'data-testid="month-form"' in html and slot(plan, 5).theme == ""
    plain = f.signed_in(client, "t_analyst").post(url("plan_month_edit", 2023, 5), data)
    assert plain.status_code == 400


def test_analyst_marks_a_month_held_and_cancels_another(client, plan):
    analyst = f.signed_in(client, "t_analyst")
    event = Event.objects.get(name="五月专场")
    response = analyst.post(url("plan_month_held", 2023, 5), {"event": event.pk})
    assert response.status_code == 302 and response["Location"].endswith("#month-5")
    assert slot(plan, 5).event == event and slot(plan, 5).status == PlanStatus.HELD
    html = analyst.post(url("plan_month_cancel", 2023, 7), {"reason": "并入8月"}, **HX)
    assert "取消原因：并入8月" in html.content.decode()
    assert slot(plan, 7).status == PlanStatus.CANCELLED


def test_cancelling_a_held_month_is_refused_with_the_reason(client, plan):
    response = f.signed_in(client, "t_admin").post(
        url("plan_month_cancel", 2023, 4), {"reason": "改期"}, **HX
    )
    assert "该月活动已举办，不能取消" in response.content.decode()
    assert slot(plan, 4).status == PlanStatus.HELD


def test_a_year_without_a_plan_has_no_months(client, plan):
    response = f.signed_in(client, "t_leader").get(url("plan_month", 2031, 5))
    assert response.status_code == 404
