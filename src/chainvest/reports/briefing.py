"""Per-event follow-through and the news-release briefing, every number from the records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from chainvest.engine.text import format_yi
from chainvest.events.models import Event
from chainvest.reports.kpis import Figure, Scope, kpi_figures, money_total

FOLLOW_THROUGH = ["fulfilment", "start", "production", "funds"]


@dataclass
class EventReport:
    event: Event
    as_of: dt.date
    figures: dict[str, Figure]
    industries: list[str]

    @property
    def signed(self) -> list:
        return [r for r in self.figures["signed"].rows if r.counted]

    @property
    def resigned(self) -> list:
        return [r for r in self.figures["signed"].rows if "重复签约" in r.detail]

    @property
    def upgraded(self) -> list:
        return [r for r in self.figures["signed"].rows if "升级签约" in r.detail]

    @property
    def follow_through(self) -> list[Figure]:
        return [self.figures[k] for k in FOLLOW_THROUGH]

    @property
    def briefing(self) -> str:
        return "".join(_paragraphs(self))


def event_report(event: Event, as_of: dt.date | None = None) -> EventReport:
    as_of = as_of or timezone.localdate()
    figures = kpi_figures(Scope(event_id=event.pk), as_of)
    signed = sorted(
        (r for r in figures["signed"].rows if r.counted),
        key=lambda r: (r.project.signed_date, r.project.pk),
    )
    industries = list(dict.fromkeys(r.project.industry for r in signed if r.project.industry))
    return EventReport(event, as_of, figures, industries)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _opening(report: EventReport) -> str:
    e = report.event
    where = f"在{e.place}" if e.place else ""
    platform = f"（依托{e.occasion}）" if e.occasion else ""
    return f"{chinese_date(e.date)}，{e.name}{where}举行{platform}。"


def _paragraphs(report: EventReport) -> list[str]:
    money = report.figures["investment"].money
    line = f"活动现场签约项目{len(report.signed)}个，总投资{money.text}"
    if report.industries:
        line += f"，涉及{'、'.join(report.industries)}等领域"
    parts = [_opening(report), line + "。"]
    if report.resigned:
        parts.append(f"另有{len(report.resigned)}个项目系此前已签约项目再次签约，不重复计入。")
    if report.upgraded:
        added = money_total(r.amount for r in report.upgraded)
        parts.append(
            f"{len(report.upgraded)}个已签约项目升级签约，新增投资{format_yi(added.min_wan)}亿元，"
            "已计入总投资。"
        )
    rates = "，".join(f"{f.label}{f.display}" for f in report.follow_through)
    parts.append(f"截至{chinese_date(report.as_of)}，本场活动签约项目{rates}。")
    return parts
