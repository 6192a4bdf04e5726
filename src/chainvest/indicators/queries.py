"""The economic-indicators panel: the home prefecture's figures by period, with sources."""

from __future__ import annotations

from django.conf import settings

from chainvest.indicators.models import EconomicIndicator, Indicator, Period
from chainvest.regions.models import Region

CHARTED = [Indicator.GDP, Indicator.FAI_GROWTH, Indicator.GDP_GROWTH]


def home_region() -> Region | None:
    return Region.objects.filter(code=settings.HOME_REGION_CODE).first()


def indicator_rows(year: int | None = None, region: Region | None = None) -> list:
    """The region's figures (of one year if given), by period then indicator."""
    region = region or home_region()
    if region is None:
        return []
    rows = EconomicIndicator.objects.for_region(region)
    if year is not None:
        rows = rows.filter(year=year)
    order = {code: i for i, code in enumerate(Indicator.values)}
    return sorted(rows, key=lambda r: (r.period.sort_key, order[r.indicator]))


def indicator_chart(rows: list) -> dict:
    """Periods on the x axis; one series per charted indicator (None where not reported)."""
    periods: list[Period] = list(dict.fromkeys(r.period for r in rows))
    by_key = {(r.indicator, r.period): r for r in rows}
    series = []
    for code in CHARTED:
        cells = [by_key.get((code, p)) for p in periods]
        if not any(cells):
            continue
        series.append(
            {
                "code": code,
                "name": f"{Indicator(code).label}({_unit(cells)})",
                "unit": _unit(cells),
                "values": [float(c.value) if c else None for c in cells],
                "demo": [bool(c and c.is_demo) for c in cells],
            }
        )
    return {"periods": [p.label for p in periods], "series": series}


def _unit(cells: list) -> str:
    return next(c.unit for c in cells if c)
