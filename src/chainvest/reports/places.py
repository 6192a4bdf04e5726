"""Counties and parks as positioned points for the schematic map, figures from the records.

Points only, never boundaries: no public boundary file is licensed for reuse, and a map shown to
the public in China needs an approved standard map (see data/README.md). Positions are the
county seats' and parks' published approximate coordinates (data/regions/*.csv).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from chainvest.regions.models import Park, Region, RegionLevel
from chainvest.reports.alerts import LEVEL_LABELS, LEVELS, project_alerts
from chainvest.reports.kpis import (
    Counted,
    CountedAndLeftOut,
    Scope,
    cohort,
    counted_projects,
    kpi_figures,
)
from chainvest.reports.models import CountingRule


@dataclass
class Place:
    kind: str  # "county" or "park"
    code: str
    name: str
    latitude: float
    longitude: float
    signed: int = 0
    investment_wan: Decimal = Decimal(0)
    investment_text: str = "0亿元"
    landing: str = "-"
    landing_pct: float | None = None
    level: str = "green"
    flagged: int = 0  # projects on a red or yellow alert

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


def _places() -> list[tuple[Place, dict]]:
    """Every county of the home prefecture and every park that has a position."""
    home = settings.HOME_REGION_CODE
    counties = Region.objects.filter(parent__code=home, level=RegionLevel.COUNTY)
    parks = Park.objects.filter(region__code__startswith=home[:4])
    found = [
        (Place("county", r.code, r.display_name, r.latitude, r.longitude), {"county_id": r.pk})
        for r in counties.exclude(latitude=None).exclude(longitude=None).order_by("code")
    ]
    found += [
        (Place("park", p.code, p.short_name, p.latitude, p.longitude), {"park_id": p.pk})
        for p in parks.exclude(latitude=None).exclude(longitude=None).order_by("code")
    ]
    return found


def _alerts(items: list[Counted], levels: dict[int, str]) -> tuple[str, int]:
    """The worst alert level among the place's projects, and how many are not green."""
    found = [levels.get(c.project.pk, "green") for c in items]
    return max(found, key=LEVELS.get, default="green"), sum(1 for lv in found if lv != "green")


def place_figures(
    scope: Scope, as_of: dt.date | None = None, counted: CountedAndLeftOut | None = None
) -> list[Place]:
    """Each place with its counted signings, investment, 落地率 and alerts.

    A county's figures include the projects in parks inside it (the project list's county
    filter shows the same rows); a park's are its own projects. `counted`: the dashboard's own
    counting under the current rule as of today, so a page reads every signing once.
    """
    as_of = as_of or timezone.localdate()
    rule = CountingRule.current()
    counted = counted or counted_projects(rule, as_of)
    levels = {a.project.pk: a.level for a in project_alerts(as_of=as_of)}
    places = []
    for place, narrow in _places():
        part = replace(scope, **narrow)
        figures = kpi_figures(part, as_of, rule, counted)
        money = figures["investment"].money
        place.signed = figures["signed"].numerator
        place.investment_wan = money.min_wan or Decimal(0)
        place.investment_text = money.describe()
        place.landing = figures["landing"].display
        place.landing_pct = figures["landing"].value
        place.level, place.flagged = _alerts(cohort(counted[0], part), levels)
        places.append(place)
    return places
