"""Read-side helpers for the pages: who people are, the stage bar, the change log of a record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from simple_history.models import DeletedObject

from chainvest.accounts.permissions import role_of
from chainvest.engine.text import format_yi
from chainvest.projects.models import STAGE_ORDER, Project, ProjectStage

# Bookkeeping columns that change on every save and tell the reader nothing.
HISTORY_NOISE = ["created_at", "updated_at"]
HISTORY_KINDS = {"+": "新建", "~": "修改", "-": "删除"}


def user_label(user: Any) -> str:
    """The name people know a user by: the profile's 姓名/职务, else the login name."""
    if user is None:
        return "系统"
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.get_username()


def user_badge(user: Any) -> dict[str, str]:
    """Name, role and scope for the navbar, e.g. 奇台县 · 县市/园区招商专员."""
    profile = getattr(user, "profile", None)
    role = role_of(user)
    role_label = profile.get_role_display() if profile else ("系统管理员" if role else "未分配角色")
    scope = profile.scope_label if profile else "全州"
    return {"name": user_label(user), "role": role_label, "scope": scope}


@dataclass
class Step:
    stage: ProjectStage
    date: dt.date | None
    state: str  # done / current / todo


def stage_steps(project: Project) -> list[Step]:
    """The forward path 线索→…→达产 with each stage's date; 终止 is shown apart."""
    steps = []
    for stage in STAGE_ORDER:
        date = project.stage_date(stage)
        if stage == project.stage:
            state = "current"
        elif date is not None:
            state = "done"
        else:
            state = "todo"
        steps.append(Step(stage, date, state))
    return steps


@dataclass
class HistoryRow:
    user: str
    at: dt.datetime
    kind: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def history_rows(instance: Any, noise: Sequence[str] = HISTORY_NOISE) -> list[HistoryRow]:
    """Saved versions of any record with history, newest first, each with the fields it changed.

    `noise` names fields whose changes say nothing to a reader (timestamps, match keys).
    """
    records = list(
        instance.history.select_related("history_user__profile").order_by(
            "-history_date", "-history_id"
        )
    )
    rows = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        row = HistoryRow(
            user=user_label(record.history_user),
            at=record.history_date,
            kind=HISTORY_KINDS.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
        )
        if previous is not None:
            row.changes = _changes(instance._meta, record, previous, noise)
        rows.append(row)
    return rows


def _changes(meta: Any, record: Any, previous: Any, noise: Sequence[str]) -> list:
    delta = record.diff_against(previous, excluded_fields=noise, foreign_keys_are_objs=True)
    changes = []
    for change in delta.changes:
        model_field = meta.get_field(change.field)
        changes.append(
            (
                str(model_field.verbose_name),
                show_value(model_field, change.old),
                show_value(model_field, change.new),
            )
        )
    return changes


def show_value(model_field: Any, value: Any) -> str:
    """A stored value as the page shows it: labels for codes, 亿元 for 万元, 是/否."""
    if isinstance(value, DeletedObject):
        # simple_history's stand-in for an empty or since-deleted foreign key.
        return "-" if value.pk is None else f"已删除（#{value.pk}）"
    if value is None or value == "":
        return "-"
    if isinstance(value, list):  # JSON lists such as 曾用名
        return "、".join(str(v) for v in value) or "-"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal) and model_field.name.endswith("_wan"):
        return f"{format_yi(value)}亿元"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)
