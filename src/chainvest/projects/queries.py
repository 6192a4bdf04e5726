"""Reads of the project pool, shared by the API and the web pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from chainvest.engine.text import Money
from chainvest.projects.models import FollowUp, Project, ProjectMonth, StageChange


def project_list(
    *,
    county: str | None = None,
    park: str | None = None,
    chain: str | None = None,
    stage: str | None = None,
    event: int | None = None,
    search: str | None = None,
    include_archived: bool = False,
) -> QuerySet[Project]:
    """Projects filtered by codes (county, park, chain), stage, event id and free text."""
    qs = Project.objects.with_relations()
    if not include_archived:
        qs = qs.active()
    filters = {
        "county__code": county,
        "park__code": park,
        "chain__code": chain,
        "stage": stage,
        "event_id": event,
    }
    qs = qs.filter(**{key: value for key, value in filters.items() if value not in (None, "")})
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(investor_name__icontains=search)
            | Q(investor__name__icontains=search)
        )
    return qs.order_by("-signed_date", "-id")


def project_detail(pk: int) -> Project | None:
    """One project with everything its page shows in the same query; None if unknown."""
    return Project.objects.with_relations().select_related("officer").filter(pk=pk).first()


def follow_ups(project: Project) -> QuerySet[FollowUp]:
    return project.follow_ups.select_related("author").order_by("-date", "-id")


def stage_changes(project: Project) -> QuerySet[StageChange]:
    return project.stage_changes.select_related("user").order_by("-at", "-id")


@dataclass
class MonthRow:
    month: dt.date
    funds_wan: Decimal
    fixed_asset_wan: Decimal
    jobs: int
    funds_total_wan: Decimal
    fixed_asset_total_wan: Decimal
    jobs_total: int
    note: str


@dataclass
class Realisation:
    """Agreed against realised, side by side, as of a date."""

    agreed: Money
    fixed_asset_planned_wan: Decimal | None
    months: list[MonthRow]

    @property
    def funds_wan(self) -> Decimal:
        return self.months[-1].funds_total_wan if self.months else Decimal(0)

    @property
    def fixed_asset_done_wan(self) -> Decimal:
        return self.months[-1].fixed_asset_total_wan if self.months else Decimal(0)

    @property
    def jobs(self) -> int:
        return self.months[-1].jobs_total if self.months else 0

    @property
    def funds_pct(self) -> float | None:
        """Funds arrived ÷ the agreed amount's lower bound (the amount one can defend)."""
        return _pct(self.funds_wan, self.agreed.min_wan)

    @property
    def fixed_asset_pct(self) -> float | None:
        return _pct(self.fixed_asset_done_wan, self.fixed_asset_planned_wan)


def _pct(part: Decimal, whole: Decimal | None) -> float | None:
    if not whole:
        return None
    return round(float(part) / float(whole) * 100, 1)


def realisation(project: Project, as_of: dt.date | None = None) -> Realisation:
    """Month by month: funds arrived, fixed assets completed, jobs, with running totals."""
    rows = ProjectMonth.objects.filter(project=project).order_by("month")
    if as_of:
        rows = rows.filter(month__lte=as_of)
    months, funds, fixed, jobs = [], Decimal(0), Decimal(0), 0
    for r in rows:
        funds += r.funds_arrived_wan
        fixed += r.fixed_asset_done_wan
        jobs += r.jobs_created
        months.append(
            MonthRow(
                r.month,
                r.funds_arrived_wan,
                r.fixed_asset_done_wan,
                r.jobs_created,
                funds,
                fixed,
                jobs,
                r.note,
            )  # fmt: skip
        )
    return Realisation(project.agreed, project.fixed_asset_wan, months)
