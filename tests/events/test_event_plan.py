"""一月一主题: a yearly plan of themed months, set, held (linked to an Event) or cancelled."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainvest.events.models import EventPlan, PlanMonth, PlanStatus
from chainvest.events.services import (
    cancel_month,
    create_event_plan,
    mark_month_held,
    set_month_theme,
)
from chainvest.regions.models import Park
from chainvest.reports.queries import event_figures, plan_months
from tests.web import factories as f
from tests.web.factories import D


@pytest.fixture
def plan(cast, changji):
    return create_event_plan(cast["analyst"], 2023, changji["prefecture"], "2023年一月一主题")


def month(plan, n: int) -> PlanMonth:
    return plan.months.get(month=n)


def snapshot(slot: PlanMonth) -> tuple:
    slot.refresh_from_db()
    chains = sorted(slot.chains.values_list("code", flat=True))
    return (slot.theme, slot.status, slot.planned_date, slot.host_county_id, slot.event_id, chains)


def test_analyst_creates_a_plan_of_twelve_planned_months(plan):
    assert [m.month for m in plan.months.all()] == list(range(1, 13))
    assert {m.status for m in plan.months.all()} == {PlanStatus.PLANNED}
    assert plan.history.count() == 1 and month(plan, 1).history.count() == 1


def test_a_second_plan_for_the_same_unit_and_year_is_refused(plan, cast, changji):
    with pytest.raises(ValidationError) as exc:
        create_event_plan(cast["admin"], 2023, changji["prefecture"])
    assert "已存在" in exc.value.message_dict["year"][0]
    assert EventPlan.objects.count() == 1


def test_a_year_out_of_range_and_a_missing_owner_are_named(cast):
    with pytest.raises(ValidationError) as exc:
        create_event_plan(cast["analyst"], 1900, None)
    assert set(exc.value.message_dict) == {"year", "owner"}
    assert not EventPlan.objects.exists()


@pytest.mark.parametrize("who", ["leader", "qitai"])
def test_leaders_and_officers_may_not_create_or_edit_the_plan(plan, cast, changji, who):
    with pytest.raises(PermissionDenied):
        create_event_plan(cast[who], 2024, changji["prefecture"])
    with pytest.raises(PermissionDenied):
        set_month_theme(cast[who], month(plan, 4), {"theme": "风电"})
    with pytest.raises(PermissionDenied):
        cancel_month(cast[who], month(plan, 4), "天气")
    assert month(plan, 4).theme == ""


def test_setting_a_month_keeps_theme_chains_host_and_date(plan, cast, changji):
    wind = f.chain("wind-power", "风电装备")
    slot = set_month_theme(
        cast["analyst"], month(plan, 4),
        {"theme": "新能源及装备制造", "chains": [wind], "host_county": changji["qitai"],
         "planned_date": D(2023, 4, 21), "status": PlanStatus.PREPARING},
    )  # fmt: skip
    assert snapshot(slot) == (
        "新能源及装备制造", "preparing", D(2023, 4, 21), changji["qitai"].pk, None, ["wind-power"]
    )  # fmt: skip
    assert slot.history.count() >= 2  # the save, then the chains (m2m history)
    assert slot.history.first().chains.count() == 1


def test_a_park_counts_for_its_county(plan, cast, changji):
    park = Park.objects.create(code="qt", name="奇台园区", short_name="奇台园", level="other",
                               region=changji["qitai"])  # fmt: skip
    slot = set_month_theme(cast["analyst"], month(plan, 5), {"theme": "新材料", "host_park": park})
    assert slot.host_county == changji["qitai"]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"theme": " "}, "theme"),
        ({"theme": "风电", "planned_date": D(2023, 5, 1)}, "planned_date"),
        ({"theme": "风电", "status": PlanStatus.HELD}, "status"),
    ],
)
def test_bad_month_input_names_the_field_and_changes_nothing(plan, cast, fields, field):
    slot = month(plan, 4)
    before = snapshot(slot)
    with pytest.raises(ValidationError) as exc:
        set_month_theme(cast["analyst"], slot, fields)
    assert list(exc.value.message_dict) == [field]
    assert snapshot(slot) == before


def test_a_park_in_another_county_is_refused(plan, cast, changji):
    park = Park.objects.create(code="ml", name="木垒园区", short_name="木垒园", level="other",
                               region=changji["mulei"])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        fields = {"theme": "风电", "host_county": changji["qitai"], "host_park": park}
        set_month_theme(cast["analyst"], month(plan, 4), fields)
    assert "不在奇台县" in exc.value.message_dict["host_park"][0]


@pytest.fixture
def held(plan, cast, changji):
    """April's event took place: one project worth 10亿 signed at it."""
    event = f.event("四月专场", D(2023, 4, 21), theme="新能源")
    f.project(cast["qitai"], changji["qitai"], "风机项目", agreed="10亿元", signed=D(2023, 4, 21),
              event_id=event.id)  # fmt: skip
    slot = mark_month_held(cast["analyst"], month(plan, 4), event)
    return {"event": event, "slot": slot}


def test_marking_a_month_held_links_the_event_and_takes_its_figures(plan, held):
    assert held["slot"].status == PlanStatus.HELD and held["slot"].theme == "新能源"
    row = plan_months(plan)[3]
    assert row.month.event == held["event"]
    expected = event_figures(held["event"])
    assert (row.figures.signed_count, row.figures.investment.text) == (1, "10亿元")
    assert row.figures.investment.text == expected.investment.text
    assert all(r.figures is None for r in plan_months(plan) if r.month.month != 4)


def test_an_event_is_held_for_one_month_only(plan, cast, held):
    slot = month(plan, 5)
    with pytest.raises(ValidationError) as exc:
        mark_month_held(cast["analyst"], slot, held["event"])
    assert "已关联到2023年4月" in exc.value.message_dict["event"][0]
    assert snapshot(slot)[1] == PlanStatus.PLANNED


def test_an_event_of_another_year_or_none_is_refused(plan, cast):
    later = f.event("次年活动", D(2024, 4, 1))
    for event in (later, None):
        with pytest.raises(ValidationError) as exc:
            mark_month_held(cast["analyst"], month(plan, 4), event)
        assert "event" in exc.value.message_dict
    assert month(plan, 4).status == PlanStatus.PLANNED


def test_cancelling_needs_a_reason_and_reopening_clears_it(plan, cast):
    slot = month(plan, 7)
    with pytest.raises(ValidationError) as exc:
        cancel_month(cast["analyst"], slot, "  ")
    assert "reason" in exc.value.message_dict and snapshot(slot)[1] == PlanStatus.PLANNED
    cancel_month(cast["admin"], slot, "与8月合并举办")
    assert (slot.status, slot.cancel_reason) == (PlanStatus.CANCELLED, "与8月合并举办")
    set_month_theme(cast["analyst"], slot, {"theme": "储能", "status": PlanStatus.PLANNED})
    slot.refresh_from_db()
    assert (slot.status, slot.cancel_reason) == (PlanStatus.PLANNED, "")


def test_a_held_month_can_be_neither_cancelled_nor_set_back(plan, cast, held):
    slot = held["slot"]
    with pytest.raises(ValidationError) as exc:
        cancel_month(cast["analyst"], slot, "改期")
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError):
        set_month_theme(cast["analyst"], slot, {"theme": "x", "status": PlanStatus.PLANNED})
    assert snapshot(slot)[:2] == ("新能源", PlanStatus.HELD)
