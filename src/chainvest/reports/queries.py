"""Headline figures, always derived from project, event and engagement records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from chainvest.engine.text import Money, format_yi
from chainvest.events.models import Event, EventPlan, Invitation, InvitationStatus, PlanMonth
from chainvest.projects.models import Engagement, Project
from chainvest.reports import kpis


def total_investment(projects: QuerySet[Project]) -> Money:
    """Sum of agreed investment; one open-ended amount ('以上') leaves the total open-ended."""
    agg = projects.aggregate(
        lo=Sum("agreed_min_wan"),
        hi=Sum("agreed_max_wan"),
        open_ended=Count("id", filter=Q(agreed_min_wan__isnull=False, agreed_max_wan__isnull=True)),
        unknown=Count("id", filter=Q(agreed_min_wan__isnull=True)),
    )
    lo = agg["lo"] or Decimal(0)
    hi = None if agg["open_ended"] else (agg["hi"] or Decimal(0))
    text = _total_text(lo, hi, agg["unknown"])
    return Money(lo, hi, text)


def _total_text(lo: Decimal, hi: Decimal | None, unknown: int) -> str:
    if hi is None:
        text = f"超过{format_yi(lo)}亿元"
    elif hi == lo:
        text = f"{format_yi(lo)}亿元"
    else:
        text = f"{format_yi(lo)}–{format_yi(hi)}亿元"
    if unknown:
        text += f"（另有{unknown}个项目未填报金额）"
    return text


def signed_projects(
    year: int | None = None,
    as_of: dt.date | None = None,
    counted: kpis.CountedAndLeftOut | None = None,
) -> QuerySet[Project]:
    """The projects the counting rule counts as signed (in `year`, by `as_of`)."""
    counted, _ = counted or kpis.counted_projects(as_of=as_of)
    ids = [c.project.pk for c in kpis.cohort(counted, kpis.Scope(year=year))]
    return Project.objects.filter(pk__in=ids)


@dataclass
class EventFigures:
    event: Event
    signed_count: int
    investment: Money
    industries: list[str]

    @property
    def summary_line(self) -> str:
        """The news-release line, every number from the records."""
        line = f"签约项目{self.signed_count}个，总投资{self.investment.text}"
        if self.industries:
            line += f"，涉及{'、'.join(self.industries)}等领域"
        return line


def event_figures(event: Event, as_of: dt.date | None = None, counted=None) -> EventFigures:
    """The event's signings under the counting rule: first signings count, re-signings do not."""
    figures = kpis.kpi_figures(kpis.Scope(event_id=event.pk), as_of, counted=counted)
    signed = [r for r in figures["signed"].rows if r.counted]
    industries = list(
        dict.fromkeys(
            r.project.industry
            for r in sorted(signed, key=lambda r: (r.project.signed_date, r.project.pk))
            if r.project.industry
        )
    )
    return EventFigures(event, len(signed), figures["investment"].money, industries)


def events_with_figures(year: int | None = None) -> list[EventFigures]:
    events = Event.objects.filter(archived=False).select_related("organiser")
    if year:
        events = events.in_year(year)
    counted = kpis.counted_projects()
    return [event_figures(e, counted=counted) for e in events.order_by("date", "id")]


def engagement_reach(year: int | None = None) -> dict[str, int]:
    qs = Engagement.objects.all()
    if year:
        qs = qs.filter(date__year=year)
    return qs.aggregate(
        engaged_enterprises=Count("enterprise", distinct=True),
        engaged_chains=Count("chain", distinct=True),
        engaged_clusters=Count("chain__cluster", distinct=True),
    )


def summary(
    year: int | None = None,
    as_of: dt.date | None = None,
    counted: kpis.CountedAndLeftOut | None = None,
) -> dict:
    """The leaders' headline: events, signings, investment, started projects, reach."""
    figures = kpis.kpi_figures(kpis.Scope(year=year), as_of, counted=counted)
    events = Event.objects.filter(archived=False)
    if year:
        events = events.in_year(year)
    return {
        "year": year,
        "events": events.count(),
        "signed_count": figures["signed"].numerator,
        "investment": figures["investment"].money,
        "started_count": figures["start"].numerator,
        "figures": figures,
        **engagement_reach(year),
    }


def breakdown(projects: QuerySet[Project], field: str, label_field: str) -> list[dict]:
    """Count and agreed investment grouped by one relation (county, park, chain…)."""
    rows = (
        projects.values(field, label_field)
        .annotate(count=Count("id"), lo=Sum("agreed_min_wan"))
        .order_by("-lo", label_field)
    )
    return [
        {
            "key": r[field],
            "label": r[label_field] or "未指定",
            "count": r["count"],
            "investment_yi": float((r["lo"] or 0) / 10000),
        }
        for r in rows
    ]


def monthly(projects: QuerySet[Project]) -> list[dict]:
    """Signings per month (by signing date); months are computed in Python for DB neutrality."""
    buckets: dict[str, dict] = {}
    for signed, lo in projects.values_list("signed_date", "agreed_min_wan").order_by("signed_date"):
        key = signed.strftime("%Y-%m")
        row = buckets.setdefault(key, {"month": key, "count": 0, "investment_yi": 0.0})
        row["count"] += 1
        row["investment_yi"] += float((lo or 0) / 10000)
    return list(buckets.values())


# --- 一月一主题 and invitation lists -----------------------------------------------------


@dataclass
class PlanMonthRow:
    month: PlanMonth
    figures: EventFigures | None  # for held months: the linked event's signings, by the rule


def plan_months(plan: EventPlan) -> list[PlanMonthRow]:
    """The plan's twelve months; held ones carry their event's figures (event_figures)."""
    months = plan.months.select_related("host_county", "host_park", "event").prefetch_related(
        "chains", "clusters"
    )
    counted = kpis.counted_projects()
    return [
        PlanMonthRow(m, event_figures(m.event, counted=counted) if m.event_id else None)
        for m in months
    ]


@dataclass
class InvitationOutcome:
    """Who was invited, how it went, and which invitees signed at the event."""

    rows: list[tuple[Invitation, bool]]  # each invitation, and whether its enterprise signed
    counts: list[tuple[str, str, int]]  # (status, label, count) in the status order

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def signed(self) -> int:
        return sum(1 for _, did in self.rows if did)

    @property
    def attended(self) -> int:
        return sum(1 for i, _ in self.rows if i.status == InvitationStatus.ATTENDED)

    @property
    def rate_text(self) -> str:
        """签约转化率: invitees that signed at the event ÷ invitees."""
        return f"{self.signed / self.total:.1%}" if self.total else "-"


def _signers(signed_rows) -> tuple[set[int], set[str]]:
    ids = {r.project.investor_id for r in signed_rows if r.project.investor_id}
    names = {r.project.investor_name.strip() for r in signed_rows if r.project.investor_name}
    return ids, names


def invitation_outcome(event: Event, signed_rows) -> InvitationOutcome:
    """Join the invitation list to the event's signing rows (kpi_figures' 签约 rows, counted
    or re-signed) by the investor enterprise, or its name where no enterprise is linked."""
    ids, names = _signers(signed_rows)
    invitations = list(
        event.invitations.select_related("enterprise__region", "link__chain", "officer")
    )
    rows = [(i, i.enterprise_id in ids or i.enterprise.name in names) for i in invitations]
    counts = [
        (value, label, sum(1 for i in invitations if i.status == value))
        for value, label in InvitationStatus.choices
    ]
    return InvitationOutcome(rows, counts)
