"""The demo's 2023 一月一主题 plan: twelve months, the held ones linked to the four events, their
figures those of the events' signing records."""

from django.urls import reverse

from chainvest.events.models import Event, EventPlan, PlanStatus
from chainvest.reports.queries import event_figures, plan_months
from tests.web import factories as f


def test_the_2023_plan_has_twelve_months_and_four_held(demo):
    plan = EventPlan.objects.get(year=2023, owner__code="652300")
    assert not plan.is_demo and "一月一主题" in plan.title
    rows = plan_months(plan)
    assert [r.month.month for r in rows] == list(range(1, 13))
    held = {
        r.month.month: r.month.event.sequence for r in rows if r.month.status == PlanStatus.HELD
    }
    assert held == {4: 1, 5: 2, 6: 3, 8: 4}
    assert all(r.month.is_demo for r in rows if r.month.month != 8)
    assert not rows[7].month.is_demo


def test_held_months_carry_their_events_figures(demo):
    rows = plan_months(EventPlan.objects.get(year=2023))
    august = rows[7].figures
    assert (august.signed_count, august.investment.text) == (17, "1,026亿元")
    for row in (r for r in rows if r.figures):
        expected = event_figures(row.month.event)
        assert (row.figures.signed_count, row.figures.investment) == (
            expected.signed_count, expected.investment
        )  # fmt: skip
    assert sum(r.figures.signed_count for r in rows if r.figures) == sum(
        event_figures(e).signed_count for e in Event.objects.in_year(2023)
    )


def test_the_plan_page_marks_demo_months_and_shows_augusts_event(client, demo):
    from chainvest.accounts.services import create_user

    create_user("t_reader", f.PASSWORD, "leader")
    html = f.signed_in(client, "t_reader").get(reverse("web:event_plan", args=[2023])).content
    html = html.decode()
    assert html.count('title="示例数据，仅作演示"') == 11  # every month but August
    assert "签约项目17个，总投资1,026亿元" in html and "取消原因：示例" in html


def test_the_fourth_events_invitation_list_converts_three_of_six(demo):
    from chainvest.reports.kpis import Scope, kpi_figures
    from chainvest.reports.queries import invitation_outcome

    event = Event.objects.get(sequence=4, date__year=2023)
    rows = kpi_figures(Scope(event_id=event.pk))["signed"].rows
    outcome = invitation_outcome(event, rows)
    assert (outcome.total, outcome.attended, outcome.signed) == (6, 4, 3)
    assert outcome.rate_text == "50.0%"
    assert all(i.is_demo for i, _ in outcome.rows)
    signed = sorted(i.enterprise.name for i, did in outcome.rows if did)
    assert signed == [
        "中车山东风电有限公司",
        "武汉禾元生物科技股份有限公司",
        "江西联晟电子股份有限公司",
    ]


def test_the_fourth_events_page_shows_the_list_and_its_conversion(client, demo):
    from chainvest.accounts.services import create_user

    create_user("t_reader", f.PASSWORD, "leader")
    event = Event.objects.get(sequence=4, date__year=2023)
    html = f.signed_in(client, "t_reader").get(reverse("web:event", args=[event.pk]))
    html = html.content.decode()
    assert "邀请企业6家，出席4家，活动现场签约3家，签约转化率50.0%" in html
    assert "2023年8月 · 装备制造、生物医药" in html
