"""Writes to events: accepting a news draft is the one way text becomes a record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from chainvest.accounts.permissions import can_write_events, require
from chainvest.events.models import Event
from chainvest.regions.models import Region


def _clean_draft(fields: dict[str, Any]) -> dict[str, Any]:
    name = (fields.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "活动名称不能为空"})
    try:
        date = dt.date.fromisoformat((fields.get("date") or "").strip())
    except ValueError as exc:
        raise ValidationError({"date": "日期应为 YYYY-MM-DD"}) from exc
    place = (fields.get("place") or "").strip()[:200]
    return {"name": name[:200], "date": date, "place": place}


@transaction.atomic
def accept_event_draft(
    user, fields: dict[str, Any], source_text: str, evidence: list[str]
) -> Event:
    """Record a reviewed draft as an Event, keeping the report and its sentences as evidence.

    A signing already recorded (same name and date) is refused rather than added twice."""
    require(can_write_events(user), "只有管理员和分析员可以录入招商活动")
    clean = _clean_draft(fields)
    twin = Event.objects.filter(name=clean["name"], date=clean["date"], archived=False).first()
    if twin is not None:
        raise ValidationError({"name": f"该活动已录入（编号 {twin.pk}），不重复添加"})
    organiser = Region.objects.filter(name=(fields.get("organiser") or "").strip()).first()
    cited = "\n".join(f"- {s}" for s in evidence)
    source = f"新闻稿导入（人工审核）\n依据：\n{cited}\n\n原文：\n{source_text.strip()}"
    return Event.objects.create(**clean, organiser=organiser, source=source)
