"""Red / yellow / green per project, from its deadlines, under the configurable 预警规则.

Rules (each gives a level and a sentence; the project takes the worst):
- 计划开工: not started and the planned start + grace has passed → red; the planned start is
  within the warning window → yellow.
- 跟进: days since the last follow-up (or since signing / the lead, if none) ≥ red days → red,
  ≥ yellow days → yellow.
- 资金到位: funds arrived ÷ agreed (lower bound) against a straight line from the signing to the
  planned production date; behind by more than the tolerance → yellow, twice it → red.
- 督办: an open instruction past its due date → red; any open instruction → yellow.
Projects archived, terminated, or already in production are not watched (green).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Sum
from django.utils import timezone

from chainvest.accounts.permissions import can_write_project
from chainvest.projects.models import FollowUp, Instruction, Project, ProjectMonth, ProjectStage
from chainvest.reports.models import AlertRule

LEVELS = {"green": 0, "yellow": 1, "red": 2}
LEVEL_LABELS = {"green": "正常", "yellow": "黄色预警", "red": "红色预警"}
WATCHED = [
    ProjectStage.NEGOTIATING,
    ProjectStage.SIGNED,
    ProjectStage.REGISTERED,
    ProjectStage.CONSTRUCTION,
]


@dataclass
class Reason:
    level: str
    rule: str
    text: str


@dataclass
class ProjectAlert:
    project: Project
    reasons: list[Reason] = field(default_factory=list)
    open_instructions: list[Instruction] = field(default_factory=list)

    @property
    def level(self) -> str:
        return max((r.level for r in self.reasons), key=LEVELS.get, default="green")

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]


def _start_reason(p: Project, rule: AlertRule, as_of: dt.date) -> Reason | None:
    planned = p.planned_construction_date
    if planned is None or p.construction_date is not None:
        return None
    late = (as_of - planned).days
    if late > rule.start_grace_days:
        return Reason("red", "start", f"计划开工日期 {planned:%Y-%m-%d} 已过 {late} 天，尚未开工")
    if -rule.start_warning_days <= late <= rule.start_grace_days:
        return Reason("yellow", "start", f"计划于 {planned:%Y-%m-%d} 开工，尚未开工")
    return None


def _follow_up_reason(p: Project, last: dt.date | None, rule: AlertRule, as_of: dt.date):
    since = last or p.signed_date or p.negotiating_date or p.lead_date
    if since is None:
        return None
    days = (as_of - since).days
    what = f"最近跟进 {last:%Y-%m-%d}" if last else "尚无跟进记录"
    if days >= rule.follow_up_red_days:
        return Reason("red", "follow_up", f"{days} 天未跟进（{what}）")
    if days >= rule.follow_up_yellow_days:
        return Reason("yellow", "follow_up", f"{days} 天未跟进（{what}）")
    return None


def expected_funds_pct(p: Project, as_of: dt.date) -> float | None:
    """Share of the agreed amount due by `as_of` on a straight line from signing to production."""
    start, end = p.signed_date, p.planned_production_date
    if start is None or end is None or end <= start:
        return None
    elapsed = min(max((as_of - start).days, 0), (end - start).days)
    return elapsed / (end - start).days * 100


def _funds_reason(p: Project, funds: Decimal, rule: AlertRule, as_of: dt.date):
    expected = expected_funds_pct(p, as_of)
    base = p.agreed_min_wan
    if expected is None or not base:
        return None
    actual = float(funds) / float(base) * 100
    behind = expected - actual
    text = f"资金到位 {actual:.1f}%，按进度应到 {expected:.1f}%"
    if behind > 2 * rule.funds_tolerance_pct:
        return Reason("red", "funds", text)
    if behind > rule.funds_tolerance_pct:
        return Reason("yellow", "funds", text)
    return None


def _instruction_reasons(items: list[Instruction], as_of: dt.date) -> list[Reason]:
    reasons = []
    for item in items:
        if item.is_overdue(as_of):
            reasons.append(
                Reason("red", "instruction", f"督办事项逾期未办结（时限 {item.due_date:%Y-%m-%d}）")
            )
        else:
            reasons.append(
                Reason("yellow", "instruction", f"督办事项办理中（{item.date:%Y-%m-%d} 批示）")
            )
    return reasons


def project_alerts(
    projects=None, as_of: dt.date | None = None, rule: AlertRule | None = None
) -> list[ProjectAlert]:
    """Every watched project with its level and reasons (green ones included, reasons empty)."""
    rule = rule or AlertRule.current()
    as_of = as_of or timezone.localdate()
    if projects is None:
        projects = Project.objects.active().with_relations().select_related("officer__profile")
    projects = [p for p in projects.filter(stage__in=WATCHED, archived=False)]
    ids = [p.pk for p in projects]
    last = dict(
        FollowUp.objects.filter(project__in=ids, date__lte=as_of)
        .values("project_id")
        .annotate(last=Max("date"))
        .values_list("project_id", "last")
    )
    funds = dict(
        ProjectMonth.objects.filter(project__in=ids, month__lte=as_of)
        .values("project_id")
        .annotate(total=Sum("funds_arrived_wan"))
        .values_list("project_id", "total")
    )
    open_items = defaultdict(list)
    for item in Instruction.objects.filter(project__in=ids, closed_date__isnull=True):
        open_items[item.project_id].append(item)
    alerts = []
    for p in projects:
        reasons = [
            _start_reason(p, rule, as_of),
            _follow_up_reason(p, last.get(p.pk), rule, as_of),
            _funds_reason(p, funds.get(p.pk) or Decimal(0), rule, as_of),
        ]
        reasons = [r for r in reasons if r] + _instruction_reasons(open_items[p.pk], as_of)
        alerts.append(ProjectAlert(p, reasons, open_items[p.pk]))
    return alerts


def needs_attention(alerts: list[ProjectAlert]) -> list[ProjectAlert]:
    """Red first, then yellow; green ones are left out."""
    flagged = [a for a in alerts if a.level != "green"]
    return sorted(flagged, key=lambda a: (-LEVELS[a.level], a.project.county_id, a.project.pk))


def for_officer(alerts: list[ProjectAlert], user) -> list[ProjectAlert]:
    """The projects an officer answers for: their county's or park's, or assigned to them."""
    return [a for a in needs_attention(alerts) if can_write_project(user, a.project)]


def by_county(alerts: list[ProjectAlert]) -> list[dict]:
    """Red and yellow counts per county, worst county first."""
    rows: dict[int, dict] = {}
    for a in alerts:
        county = a.project.county
        row = rows.setdefault(
            county.pk, {"county": county, "red": 0, "yellow": 0, "green": 0, "total": 0}
        )
        row[a.level] += 1
        row["total"] += 1
    return sorted(rows.values(), key=lambda r: (-r["red"], -r["yellow"], r["county"].code))


def for_leaders(alerts: list[ProjectAlert]) -> list[ProjectAlert]:
    """Red projects and every project under an open 督办."""
    return [a for a in needs_attention(alerts) if a.level == "red" or a.open_instructions]


def alert_for(project: Project, as_of: dt.date | None = None) -> ProjectAlert:
    found = project_alerts(Project.objects.filter(pk=project.pk), as_of)
    return found[0] if found else ProjectAlert(project)
