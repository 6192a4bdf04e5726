"""/api/events and /api/summary: the headline figures, all derived from the records."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from chainvest.api import serialize
from chainvest.api.schemas import (
    READ_ERRORS,
    ErrorOut,
    EventOut,
    SummaryOut,
    id_in_path,
    optional_id,
    optional_year,
)
from chainvest.events.models import Event
from chainvest.reports import queries
from chainvest.reports.kpis import FIGURE_KEYS, Scope, kpi_figures

router = Router(tags=["活动与汇总"])


@router.get("/events", response={200: list[EventOut], 401: ErrorOut, 422: ErrorOut})
def list_events(request: HttpRequest, year: int | None = optional_year()):
    """招商活动及其签约项目数、总投资（可按年份筛选），按日期排列。"""
    return [serialize.event(fig) for fig in queries.events_with_figures(year)]


@router.get("/events/{event_id}", response={200: EventOut, **READ_ERRORS})
def read_event(request: HttpRequest, event_id: int = id_in_path()):
    """一场活动的签约汇总。"""
    event = Event.objects.select_related("organiser").filter(pk=event_id).first()
    if event is None:
        raise HttpError(404, f"活动不存在：{event_id}")
    return serialize.event(queries.event_figures(event))


@router.get("/summary", response={200: SummaryOut, 401: ErrorOut, 422: ErrorOut})
def summary(request: HttpRequest, year: int | None = optional_year(), as_of: dt.date | None = None):
    """领导驾驶舱的核心数字：活动场次、签约项目、总投资、开工项目、对接企业/产业链/集群。"""
    figures = queries.summary(year, as_of)
    return {**figures, "investment": serialize.money(figures["investment"])}


class FigureOut(Schema):
    key: str
    label: str
    display: str
    value: float | None
    numerator: float
    denominator: float | None
    definition: str


@router.get("/kpis", response={200: list[FigureOut], 401: ErrorOut, 422: ErrorOut})
def kpis(
    request: HttpRequest,
    year: int | None = optional_year(),
    event: int | None = optional_id(),
    county: int | None = optional_id(),
    as_of: dt.date | None = None,
):
    """按统计口径计算的指标（签约项目、协议投资额、履约率、开工率、投产率、落地率、资金到位率），附定义。"""
    figures = kpi_figures(Scope(year=year, event_id=event, county_id=county), as_of)
    return [
        {
            "key": f.key,
            "label": f.label,
            "display": f.display,
            "value": f.value,
            "numerator": float(f.numerator),
            "denominator": None if f.denominator is None else float(f.denominator),
            "definition": f.definition,
        }
        for f in (figures[k] for k in FIGURE_KEYS)
    ]
