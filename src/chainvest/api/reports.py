"""/api/events and /api/summary: the headline figures, all derived from the records."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from chainvest.api import serialize
from chainvest.api.schemas import ErrorOut, EventOut, SummaryOut
from chainvest.events.models import Event
from chainvest.reports import queries

router = Router(tags=["活动与汇总"])


@router.get("/events", response={200: list[EventOut], 401: ErrorOut, 422: ErrorOut})
def list_events(request: HttpRequest, year: int | None = None):
    """招商活动及其签约项目数、总投资（可按年份筛选），按日期排列。"""
    return [serialize.event(fig) for fig in queries.events_with_figures(year)]


@router.get("/events/{int:event_id}", response={200: EventOut, 401: ErrorOut, 404: ErrorOut})
def read_event(request: HttpRequest, event_id: int):
    """一场活动的签约汇总。"""
    event = Event.objects.select_related("organiser").filter(pk=event_id).first()
    if event is None:
        raise HttpError(404, f"活动不存在：{event_id}")
    return serialize.event(queries.event_figures(event))


@router.get("/summary", response={200: SummaryOut, 401: ErrorOut, 422: ErrorOut})
def summary(request: HttpRequest, year: int | None = None, as_of: dt.date | None = None):
    """领导驾驶舱的核心数字：活动场次、签约项目、总投资、开工项目、对接企业/产业链/集群。"""
    figures = queries.summary(year, as_of)
    return {**figures, "investment": serialize.money(figures["investment"])}
