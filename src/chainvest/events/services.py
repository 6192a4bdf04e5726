"""Writes to events: accepting a news draft is the one way text becomes a record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from chainvest.accounts.permissions import can_write_events, require
from chainvest.events.models import Event
from chainvest.projects.models import Project
from chainvest.projects.services import create_project, transition_project
from chainvest.regions.models import Park, Region


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


def _place_of(location: str, label: str) -> tuple[Region, Park | None]:
    """The county (and park) a draft names; a park counts for the county it lies in."""
    park = Park.objects.select_related("region").filter(name=location).first()
    county = park.region if park else Region.objects.filter(name=location).first()
    if county is None or county.level != "county":
        where = location or "原文未写明"
        raise ValidationError({"projects": f"{label}：无法确定所属县市（{where}）"})
    return county, park


def _project_from_draft(user, event: Event, draft: dict[str, Any]) -> Project:
    company = (draft.get("company") or "").strip()
    name = (draft.get("project") or "").strip() or f"{company}投资项目"
    county, park = _place_of((draft.get("location") or "").strip(), name)
    data = {
        "name": name[:200],
        "investor_name": company[:200],
        "county_id": county.pk,
        "park_id": park.pk if park else None,
        "industry": (draft.get("industry") or "")[:64],
        "event_id": event.pk,
        "description": "新闻稿依据：" + " ".join(draft.get("evidence") or []),
        "source": "新闻稿导入（人工审核）",
    }
    if (draft.get("amount") or "").strip():
        data["agreed"] = draft["amount"].strip()
    project = create_project(user, data, lead_date=event.date)
    dates = {"negotiating": event.date, "signed": event.date}
    transition_project(user, project, "signed", dates, reason="签约活动新闻稿")
    return project


@transaction.atomic
def accept_news_draft(
    user,
    fields: dict[str, Any],
    source_text: str,
    evidence: list[str],
    projects: list[dict[str, Any]] = (),
) -> Event:
    """The Event and the projects a person ticked, all or nothing; each project is recorded as
    signed at the event, with the sentences it came from."""
    event = accept_event_draft(user, fields, source_text, evidence)
    for draft in projects:
        _project_from_draft(user, event, draft)
    return event
