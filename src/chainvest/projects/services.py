"""Writes to projects: every stage move, edit and follow-up goes through these functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chainvest.accounts.permissions import can_create_project, can_write_project, require
from chainvest.engine.text import AmountError, parse_money
from chainvest.projects.models import (
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    FollowUp,
    Project,
    ProjectMonth,
    ProjectStage,
    StageChange,
)


class StageError(ValidationError):
    """A stage move that the rules refuse; nothing was changed."""


# Fields a user may set through create/update; stage and its dates move only by transition.
EDITABLE_FIELDS = {
    "name",
    "investor_id",
    "investor_name",
    "county_id",
    "park_id",
    "chain_id",
    "link_id",
    "industry",
    "event_id",
    "description",
    "fixed_asset_wan",
    "responsible_unit",
    "liaison_leader",
    "officer_id",
    "source",
    "investor_origin",
}
MONEY_FIELDS = {"agreed", "planned"}


def _apply_money(project: Project, prefix: str, text: str | None) -> None:
    if text is None:
        return
    if not text.strip():
        setattr(project, f"{prefix}_min_wan", None)
        setattr(project, f"{prefix}_max_wan", None)
        setattr(project, f"{prefix}_text", "")
        return
    try:
        money = parse_money(text)
    except AmountError as exc:
        label = "协议投资额" if prefix == "agreed" else "计划投资"
        raise ValidationError({prefix: f"{label}：{exc}"}) from exc
    setattr(project, f"{prefix}_min_wan", money.min_wan)
    setattr(project, f"{prefix}_max_wan", money.max_wan)
    setattr(project, f"{prefix}_text", money.text)


def _apply_fields(project: Project, data: dict[str, Any]) -> None:
    unknown = set(data) - EDITABLE_FIELDS - MONEY_FIELDS
    if unknown:
        raise ValidationError({f: "该字段不可修改" for f in sorted(unknown)})
    for field, value in data.items():
        if field in MONEY_FIELDS:
            _apply_money(project, field, value)
        else:
            setattr(project, field, value)
    if project.link_id and project.chain_id and project.link.chain_id != project.chain_id:
        raise ValidationError({"link_id": "目标环节不属于所选产业链"})
    if (
        project.park_id
        and not project.park.region.is_within(project.county)
        and (project.park.region.level != "city")
    ):
        raise ValidationError({"park_id": "园区不在所选县市内"})
    project.full_clean(exclude=["investor", "officer"])


@transaction.atomic
def create_project(user, data: dict[str, Any], lead_date: dt.date | None = None) -> Project:
    """A new project starts as a 线索 (lead) dated today unless a date is given."""
    require(
        can_create_project(user, data.get("county_id"), data.get("park_id")),
        "只能在本县市/园区新增项目",
    )
    project = Project(stage=ProjectStage.LEAD, lead_date=lead_date or timezone.localdate())
    _apply_fields(project, data)
    project._history_user = user
    project.save()
    return project


@transaction.atomic
def update_project(user, project: Project, data: dict[str, Any]) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can_write_project(user, project), "只能修改本县市/园区的项目")
    _apply_fields(project, data)
    # Moving a project out of one's own county is a write to the other county too.
    require(can_write_project(user, project), "只能修改本县市/园区的项目")
    project._history_user = user
    project.save()
    return project


def _check_forward(project: Project, target: str, dates: dict[str, dt.date]) -> dict:
    """Every stage passed on the way forward needs its date, in order, none in the future."""
    current = STAGE_ORDER.index(project.stage)
    goal = STAGE_ORDER.index(target)
    updates, previous = {}, project.stage_date(project.stage)
    for stage in STAGE_ORDER[current + 1 : goal + 1]:
        when = dates.get(stage.value) or project.stage_date(stage)
        if when is None:
            raise StageError(f"进入“{stage.label}”阶段需要填写{stage.label}日期")
        if when > timezone.localdate():
            raise StageError(f"{stage.label}日期不能晚于今天")
        if previous and when < previous:
            raise StageError(f"{stage.label}日期不能早于上一阶段日期 {previous:%Y-%m-%d}")
        updates[STAGE_DATE_FIELD[stage]] = when
        previous = when
    return updates


def _check_backward(project: Project, target: str, reason: str) -> dict:
    """Going back is a correction: it needs a reason and clears the dates it undoes."""
    if not reason.strip():
        raise StageError("退回到之前的阶段属于更正，必须填写更正原因")
    if target == ProjectStage.TERMINATED:
        raise StageError("终止不是更正")
    goal = STAGE_ORDER.index(target)
    cleared = {STAGE_DATE_FIELD[s]: None for s in STAGE_ORDER[goal + 1 :]}
    cleared.update(terminated_date=None, terminated_reason="")
    return cleared


def _plan_move(project: Project, target: str, dates: dict, reason: str, correction: bool):
    if target not in ProjectStage.values:
        raise StageError(f"未知的项目阶段：{target}")
    if target == project.stage:
        raise StageError(f"项目已处于“{ProjectStage(target).label}”阶段")
    if target == ProjectStage.TERMINATED:
        when = dates.get("terminated") or timezone.localdate()
        if not reason.strip():
            raise StageError("终止项目必须填写终止原因")
        return {"terminated_date": when, "terminated_reason": reason.strip()}, False
    if project.stage == ProjectStage.TERMINATED or (
        STAGE_ORDER.index(target) < STAGE_ORDER.index(project.stage)
    ):
        if not correction:
            raise StageError(
                f"不能从“{project.get_stage_display()}”退回到“{ProjectStage(target).label}”，"
                "如确需调整请作为更正提交并说明原因"
            )
        return _check_backward(project, target, reason), True
    return _check_forward(project, target, dates), False


@transaction.atomic
def transition_project(
    user,
    project: Project,
    to_stage: str,
    dates: dict[str, dt.date] | None = None,
    reason: str = "",
    correction: bool = False,
) -> StageChange:
    """Move a project to another stage under the rules above, or refuse and change nothing."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can_write_project(user, project), "只能变更本县市/园区项目的阶段")
    updates, is_correction = _plan_move(project, to_stage, dates or {}, reason, correction)
    from_stage = project.stage
    for field, value in updates.items():
        setattr(project, field, value)
    project.stage = to_stage
    project._history_user = user
    project._change_reason = reason or ""
    project.save()
    when = project.stage_date(to_stage) or timezone.localdate()
    return StageChange.objects.create(
        project=project,
        from_stage=from_stage,
        to_stage=to_stage,
        date=when,
        is_correction=is_correction,
        reason=reason.strip(),
        user=user,
    )


@transaction.atomic
def add_follow_up(
    user,
    project: Project,
    date: dt.date,
    note: str,
    next_step: str = "",
    due_date: dt.date | None = None,
) -> FollowUp:
    require(can_write_project(user, project), "只能为本县市/园区的项目添加跟进记录")
    errors = {}
    if not note.strip():
        errors["note"] = "进展不能为空"
    if date > timezone.localdate():
        errors["date"] = "跟进日期不能晚于今天"
    if due_date and due_date < date:
        errors["due_date"] = "完成时限不能早于跟进日期"
    if errors:
        raise ValidationError(errors)
    return FollowUp.objects.create(
        project=project,
        date=date,
        note=note.strip(),
        next_step=next_step.strip(),
        due_date=due_date,
        author=user,
    )


def _non_negative(errors: dict, field: str, value, label: str) -> None:
    if value is not None and value < 0:
        errors[field] = f"{label}不能为负数"


@transaction.atomic
def record_month(
    user,
    project: Project,
    month: dt.date,
    funds_arrived_wan: Decimal = Decimal(0),
    fixed_asset_done_wan: Decimal = Decimal(0),
    jobs_created: int = 0,
    note: str = "",
) -> ProjectMonth:
    """Enter (or correct) one month of funds arrived, fixed assets completed and jobs created."""
    require(can_write_project(user, project), "只能填报本县市/园区项目的月度进展")
    errors: dict[str, str] = {}
    month = month.replace(day=1)
    if month > timezone.localdate():
        errors["month"] = "月份不能晚于本月"
    _non_negative(errors, "funds_arrived_wan", funds_arrived_wan, "到位资金")
    _non_negative(errors, "fixed_asset_done_wan", fixed_asset_done_wan, "完成固定资产投资")
    _non_negative(errors, "jobs_created", jobs_created, "新增就业")
    if errors:
        raise ValidationError(errors)
    row, _ = ProjectMonth.objects.select_for_update().get_or_create(project=project, month=month)
    row.funds_arrived_wan = funds_arrived_wan
    row.fixed_asset_done_wan = fixed_asset_done_wan
    row.jobs_created = jobs_created
    row.note = note.strip()
    row.user = user
    row._history_user = user
    row.save()
    return row
