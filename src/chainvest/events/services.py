"""Writes to events: accepting a news draft is the one way text becomes a record; the yearly
plan of themed monthly events (一月一主题) is set and followed month by month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from chainvest.accounts.permissions import can_write_event_plan, can_write_events, require
from chainvest.events.models import Event, EventPlan, PlanMonth, PlanStatus
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


# --- 一月一主题: the yearly plan -----------------------------------------------------------

PLAN_REASON = "年度活动计划"
OPEN_STATUSES = {PlanStatus.PLANNED, PlanStatus.PREPARING}


def _save(record, user, reason: str = PLAN_REASON) -> None:
    record._history_user = user
    record._change_reason = reason
    record.save()


@transaction.atomic
def create_event_plan(user, year: int, owner: Region | None, title: str = "") -> EventPlan:
    """A plan for `year` with twelve empty months (计划), one plan per unit and year."""
    require(can_write_event_plan(user), "只有管理员和分析员可以制定年度活动计划")
    errors = {}
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = "年度应为2000至2100之间的整数"
    if owner is None:
        errors["owner"] = "请选择主办单位"
    elif EventPlan.objects.filter(year=year, owner=owner).exists():
        errors["year"] = f"{owner.name}{year}年的活动计划已存在"
    if errors:
        raise ValidationError(errors)
    plan = EventPlan(year=year, owner=owner, title=(title or "").strip()[:200])
    _save(plan, user)
    for month in range(1, 13):
        _save(PlanMonth(plan=plan, month=month), user)
    return plan


def _clean_host(fields: dict[str, Any]) -> tuple[Region | None, Park | None]:
    county, park = fields.get("host_county"), fields.get("host_park")
    if county is not None and county.level != "county":
        raise ValidationError({"host_county": "承办地应为县市"})
    if park is not None and county is not None and park.region_id != county.pk:
        raise ValidationError({"host_park": f"{park.name}不在{county.name}"})
    if county is None and park is not None and park.region.level == "county":
        county = park.region  # a park counts for the county it lies in
    return county, park


def _clean_date(month: PlanMonth, day: dt.date | None) -> dt.date | None:
    if day is not None and (day.year, day.month) != (month.plan.year, month.month):
        raise ValidationError({"planned_date": f"计划日期应在{month.plan.year}年{month.month}月内"})
    return day


def _clean_status(month: PlanMonth, status: str | None) -> str:
    if not status:
        return month.status
    if status not in OPEN_STATUSES:
        raise ValidationError(
            {"status": "状态只能设为计划或筹备；已举办请关联活动，取消请填写原因"}
        )
    if month.status == PlanStatus.HELD:
        raise ValidationError({"status": "该月活动已举办，不能改回计划或筹备"})
    return status


@transaction.atomic
def set_month_theme(user, month: PlanMonth, fields: dict[str, Any]) -> PlanMonth:
    """Set a month's theme, target chains/clusters, host, planned date and open status.

    Keys: theme, chains, clusters, host_county, host_park, planned_date, status. A cancelled
    month set back to 计划/筹备 is reopened (its cancel reason cleared)."""
    require(can_write_event_plan(user), "只有管理员和分析员可以修改年度活动计划")
    theme = (fields.get("theme") or "").strip()
    if not theme:
        raise ValidationError({"theme": "主题不能为空"})
    county, park = _clean_host(fields)
    day = _clean_date(month, fields.get("planned_date"))
    status = _clean_status(month, fields.get("status"))
    month.theme, month.host_county, month.host_park = theme[:100], county, park
    month.planned_date, month.status = day, status
    if status in OPEN_STATUSES:
        month.cancel_reason = ""
    _save(month, user, f"设置{month.month}月主题")
    month.chains.set(list(fields.get("chains") or []))
    month.clusters.set(list(fields.get("clusters") or []))
    return month


@transaction.atomic
def mark_month_held(user, month: PlanMonth, event: Event | None) -> PlanMonth:
    """The month's event took place: link the recorded Event; figures then come from it."""
    require(can_write_event_plan(user), "只有管理员和分析员可以修改年度活动计划")
    if event is None or event.archived:
        raise ValidationError({"event": "请选择已录入的招商活动"})
    if event.date.year != month.plan.year:
        raise ValidationError({"event": f"活动日期（{event.date}）不在{month.plan.year}年度内"})
    other = PlanMonth.objects.filter(event=event).exclude(pk=month.pk).first()
    if other is not None:
        raise ValidationError({"event": f"该活动已关联到{other.plan.year}年{other.month}月"})
    month.event, month.status, month.cancel_reason = event, PlanStatus.HELD, ""
    month.theme = month.theme or event.theme or event.name[:100]
    _save(month, user, f"{month.month}月活动已举办")
    return month


@transaction.atomic
def cancel_month(user, month: PlanMonth, reason: str) -> PlanMonth:
    """The month's event will not take place; the reason is kept."""
    require(can_write_event_plan(user), "只有管理员和分析员可以修改年度活动计划")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    if month.status == PlanStatus.HELD:
        raise ValidationError({"status": "该月活动已举办，不能取消"})
    month.status, month.cancel_reason = PlanStatus.CANCELLED, reason
    _save(month, user, f"取消{month.month}月活动")
    return month
