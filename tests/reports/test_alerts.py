"""Each alert rule on hand-made dates. The default rule: follow-ups yellow at 30 days, red at
60; a planned start within 30 days is yellow, passed (no grace) red; funds behind a straight
line from signing to planned production by more than 20 points yellow, 40 red."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chainvest.projects.models import FollowUp, Instruction
from chainvest.projects.services import (
    add_follow_up,
    issue_instruction,
    record_month,
    reply_instruction,
    transition_project,
    update_project,
)
from chainvest.reports.alerts import (
    alert_for,
    by_county,
    expected_funds_pct,
    for_leaders,
    for_officer,
    project_alerts,
)
from chainvest.reports.models import AlertRule
from tests.web import factories as f
from tests.web.factories import D

AS_OF = D(2024, 1, 31)
SIGNED = D(2023, 12, 1)
QUIET = 10_000  # days: a rule threshold that never fires, to watch one rule at a time


def only(rule_name, **fields):
    """A rule under which the follow-up rule stays quiet, to watch `rule_name` alone."""
    return AlertRule(follow_up_yellow_days=QUIET, follow_up_red_days=QUIET, **fields)


@pytest.fixture
def make(cast, changji):
    def make(name, county="qitai", signed=SIGNED, **fields):
        officer = cast[county]
        item = f.project(officer, changji[county], name, agreed="10亿元", signed=signed)
        if fields:
            update_project(officer, item, fields)
        item.refresh_from_db()
        return item

    return make


def level(project, rule, as_of=AS_OF):
    found = project_alerts(type(project).objects.filter(pk=project.pk), as_of, rule)
    return found[0].level, [r.text for r in found[0].reasons]


@pytest.mark.parametrize(
    ("planned", "grace", "expected"),
    [
        (D(2024, 1, 1), 0, "red"),  # 30 days late
        (D(2024, 1, 1), 40, "yellow"),  # 30 days late, within a 40-day grace
        (D(2024, 2, 20), 0, "yellow"),  # due in 20 days, inside the 30-day window
        (D(2024, 4, 1), 0, "green"),  # due in 61 days
    ],
)
def test_planned_start(make, planned, grace, expected):
    item = make("计划开工项目", planned_construction_date=planned)
    got, reasons = level(item, only("start", start_grace_days=grace))
    assert got == expected
    if expected == "red":
        assert reasons == ["计划开工日期 2024-01-01 已过 30 天，尚未开工"]


def test_a_started_project_has_no_start_alert(cast, make):
    item = make("已开工项目", planned_construction_date=D(2023, 12, 10))
    transition_project(
        cast["qitai"],
        item,
        "construction",
        {"registered": D(2023, 12, 20), "construction": D(2023, 12, 20)},
    )
    assert level(item, only("start"))[0] == "green"


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (D(2024, 1, 10), "green"),  # 21 days
        (D(2023, 12, 20), "yellow"),  # 42 days
        (None, "red"),  # none since signing on 2023-12-01: 61 days
    ],
)
def test_days_without_follow_up(cast, make, last, expected):
    item = make("跟进项目")
    if last:
        add_follow_up(cast["qitai"], item, last, "走访企业")
    assert level(item, AlertRule())[0] == expected


def test_red_follow_up_reason_says_how_long(cast, make):
    item = make("久未跟进项目", signed=D(2023, 10, 1))
    add_follow_up(cast["qitai"], item, D(2023, 11, 20), "电话联系")
    assert level(item, AlertRule()) == ("red", ["72 天未跟进（最近跟进 2023-11-20）"])


def test_expected_funds_follow_a_straight_line(make):
    """Signed 2023-01-31, production planned 2024-01-31 (365 days); at 2023-07-31, 181 days
    have passed: 181 / 365 = 49.6% is due."""
    item = make("资金项目", signed=D(2023, 1, 31), planned_production_date=D(2024, 1, 31))
    assert round(expected_funds_pct(item, D(2023, 7, 31)), 1) == 49.6
    assert expected_funds_pct(item, D(2025, 1, 1)) == 100.0


@pytest.mark.parametrize(
    ("arrived_yi", "expected"),
    [
        (3, "green"),  # 30% against 49.6%: 19.6 points behind
        (2, "yellow"),  # 20%: 29.6 behind
        (0, "red"),  # 0%: 49.6 behind, more than 40
    ],
)
def test_funds_behind_schedule(cast, make, arrived_yi, expected):
    item = make("资金项目", signed=D(2023, 1, 31), planned_production_date=D(2024, 1, 31))
    if arrived_yi:
        record_month(cast["qitai"], item, D(2023, 6, 1), Decimal(arrived_yi * 10_000))
    assert level(item, only("funds"), D(2023, 7, 31))[0] == expected


def test_open_instruction_is_yellow_then_red_once_overdue_and_gone_when_closed(cast, make):
    item = make("督办项目")
    today = timezone.localdate()
    order = issue_instruction(cast["leader"], item, "请尽快协调用地", today + dt.timedelta(days=5))
    assert level(item, only("instruction"), today)[0] == "yellow"
    assert level(item, only("instruction"), today + dt.timedelta(days=6))[0] == "red"
    reply_instruction(cast["qitai"], order, "已协调自然资源局，用地预审完成", close=True)
    assert level(item, only("instruction"), today + dt.timedelta(days=6))[0] == "green"


def test_ended_or_producing_projects_are_not_watched(cast, make):
    ended = make("终止项目", planned_construction_date=D(2023, 12, 10))
    transition_project(
        cast["qitai"], ended, "terminated", {"terminated": D(2023, 12, 20)}, reason="撤资"
    )
    assert project_alerts(None, AS_OF, AlertRule()) == []


def test_lists_per_officer_per_county_and_for_leaders(cast, make):
    red = make("奇台红", planned_construction_date=D(2024, 1, 1))  # red: start passed
    green = make("奇台绿")
    add_follow_up(cast["qitai"], green, D(2024, 1, 20), "跟进")
    yellow = make("木垒黄", county="mulei")
    add_follow_up(cast["mulei"], yellow, D(2023, 12, 20), "跟进")  # 42 days: yellow
    alerts = project_alerts(None, AS_OF, AlertRule(start_warning_days=0))
    assert [a.project.name for a in for_officer(alerts, cast["qitai"])] == ["奇台红"]
    assert [a.project.name for a in for_officer(alerts, cast["mulei"])] == ["木垒黄"]
    counts = {r["county"].name: (r["red"], r["yellow"], r["green"]) for r in by_county(alerts)}
    assert counts == {"奇台县": (1, 0, 1), "木垒哈萨克自治县": (0, 1, 0)}
    assert [a.project.name for a in for_leaders(alerts)] == ["奇台红"]
    issue_instruction(cast["leader"], yellow, "请木垒县加快推进")
    alerts = project_alerts(None, AS_OF, AlertRule(start_warning_days=0))
    assert sorted(a.project.name for a in for_leaders(alerts)) == ["奇台红", "木垒黄"]
    assert alert_for(red, AS_OF).level == "red"


# --- 督办: who may write what ------------------------------------------------------------------


def test_only_leaders_and_admins_issue_instructions(cast, make):
    item = make("督办项目")
    for who in ["qitai", "analyst"]:
        with pytest.raises(PermissionDenied):
            issue_instruction(cast[who], item, "请推进")
    issue_instruction(cast["admin"], item, "请推进")
    assert Instruction.objects.count() == 1


def test_bad_instruction_names_the_field(cast, make):
    item = make("督办项目")
    for args, field in [(("",), "text"), (("请推进", D(2020, 1, 1)), "due_date")]:
        with pytest.raises(ValidationError) as exc:
            issue_instruction(cast["leader"], item, *args)
        assert field in exc.value.message_dict
    assert not Instruction.objects.exists()


def test_leader_writes_instructions_and_nothing_else(cast, make):
    item = make("督办项目")
    with pytest.raises(PermissionDenied):
        update_project(cast["leader"], item, {"name": "改名"})
    with pytest.raises(PermissionDenied):
        add_follow_up(cast["leader"], item, D(2024, 1, 1), "跟进")
    order = issue_instruction(cast["leader"], item, "请推进")
    with pytest.raises(PermissionDenied):
        reply_instruction(cast["leader"], order, "已办")


def test_reply_is_a_follow_up_and_only_the_projects_officer_replies(cast, make):
    item = make("督办项目")
    order = issue_instruction(cast["leader"], item, "请推进")
    with pytest.raises(PermissionDenied):
        reply_instruction(cast["mulei"], order, "已办")
    reply = reply_instruction(cast["qitai"], order, "已对接企业")
    assert reply.instruction == order and FollowUp.objects.filter(instruction=order).count() == 1
    order.refresh_from_db()
    assert order.is_open
    reply_instruction(cast["qitai"], order, "已开工", close=True)
    order.refresh_from_db()
    assert order.closed_date == timezone.localdate()
    with pytest.raises(ValidationError):
        reply_instruction(cast["qitai"], order, "再次回复")
