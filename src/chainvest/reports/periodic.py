"""The monthly / quarterly report: figures, groupings and the leaders' briefing text.

One PeriodReport feeds the .xlsx, the .docx and the page links, so the files say the same
thing and every number in them comes from reports.kpis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from chainvest.engine.text import Money
from chainvest.reports.briefing import chinese_date
from chainvest.reports.kpis import (
    Counted,
    Figure,
    Scope,
    cohort,
    counted_projects,
    kpi_figures,
)

RATE_KEYS = ["fulfilment", "start", "production", "landing", "funds"]


@dataclass
class GroupRow:
    """Signed projects of one county, park, chain or stage in the period."""

    label: str
    count: int
    money: Money
    started: int

    @property
    def start_rate(self) -> float:
        return round(self.started / self.count * 100, 1) if self.count else 0.0


@dataclass
class PeriodReport:
    period: str
    label: str
    first: dt.date
    last: dt.date
    figures: dict[str, Figure]
    groups: dict[str, list[GroupRow]] = field(default_factory=dict)

    @property
    def briefing(self) -> list[str]:
        """The briefing's paragraphs, in the style of the bureau's monthly notes."""
        return _paragraphs(self)


def period_bounds(period: str) -> tuple[dt.date, dt.date, str]:
    """'2023-08' (a month) or '2023-Q3' (a quarter) → first day, last day, Chinese label."""
    try:
        year_text, part = period.split("-")
        year = int(year_text)
        if part.upper().startswith("Q"):
            quarter = int(part[1:])
            if not 1 <= quarter <= 4:
                raise ValueError
            first, months = dt.date(year, 3 * quarter - 2, 1), 3
            label = f"{year}年第{quarter}季度"
        else:
            first, months = dt.date(year, int(part), 1), 1
            label = f"{year}年{first.month}月"
    except ValueError:
        raise ValueError(f"报告期「{period}」应写成 2023-08（月）或 2023-Q3（季度）") from None
    nxt = dt.date(
        first.year + (first.month + months - 1) // 12, (first.month + months - 1) % 12 + 1, 1
    )
    return first, nxt - dt.timedelta(days=1), label


def current_periods(today: dt.date) -> dict[str, str]:
    """The month and the quarter containing `today`, as report period codes."""
    return {
        "month": f"{today.year}-{today.month:02d}",
        "quarter": f"{today.year}-Q{(today.month - 1) // 3 + 1}",
    }


def _group(items: list[Counted], key: Callable[[Counted], str | None]) -> list[GroupRow]:
    groups: dict[str, list[Counted]] = {}
    for c in items:
        label = key(c)
        if label is not None:
            groups.setdefault(label, []).append(c)
    rows = []
    for label, group in groups.items():
        money = Money(Decimal(0), Decimal(0), "")
        for c in group:
            money = money + c.investment
        started = sum(1 for c in group if "construction" in c.reached)
        rows.append(GroupRow(label, len(group), money, started))
    return sorted(rows, key=lambda r: (-r.count, -(r.money.min_wan or 0), r.label))


GROUPINGS: list[tuple[str, Callable[[Counted], str | None]]] = [
    ("县市", lambda c: c.project.county.name),
    ("园区", lambda c: c.project.park.short_name if c.project.park_id else None),
    ("产业链", lambda c: c.project.chain.name if c.project.chain_id else "未指定"),
    ("阶段", lambda c: c.project.get_stage_display()),
]


def period_report(period: str) -> PeriodReport:
    """Projects whose counting signing falls in the period; stages and funds as of its end."""
    first, last, label = period_bounds(period)
    counted, left_out = counted_projects(as_of=last)
    scope = Scope(date_from=first, date_to=last)
    items = cohort(counted, scope)
    figures = kpi_figures(scope, last, counted=(counted, left_out))
    groups = {title: _group(items, key) for title, key in GROUPINGS}
    return PeriodReport(period, label, first, last, figures, groups)


def _yi_text(money: Money) -> str:
    return money.describe()


def _listing(rows: list[GroupRow]) -> str:
    return "、".join(f"{r.label}{r.count}个（{_yi_text(r.money)}）" for r in rows)


def _paragraphs(report: PeriodReport) -> list[str]:
    f = report.figures
    signed = f["signed"].numerator
    parts = [
        f"{report.label}，全州新签约招商引资项目{signed}个，"
        f"协议投资{f['investment'].display}（按首次签约计，重复签约不重复计入）。"
    ]
    if signed:
        parts.append(f"分县市看：{_listing(report.groups['县市'])}。")
        if report.groups["园区"]:
            parts.append(f"其中园区签约：{_listing(report.groups['园区'])}。")
        parts.append(f"分产业链看：{_listing(report.groups['产业链'])}。")
    rates = "，".join(f"{f[k].label}{f[k].display}" for k in RATE_KEYS)
    parts.append(f"截至{chinese_date(report.last)}，本期签约项目{rates}。")
    return parts
