"""Writes to projects: every stage move, edit and follow-up goes through these functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chainvest.accounts.permissions import (
    can_create_project,
    can_issue_instruction,
    can_write_project,
    require,
)
from chainvest.engine.text import AmountError, Money, parse_money
from chainvest.faults import pause_point
from chainvest.projects.duplicates import possible_duplicates
from chainvest.projects.models import (
    DOCUMENT_RANK,
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    Evidence,
    EvidenceKind,
    FollowUp,
    Instruction,
    Project,
    ProjectMonth,
    ProjectStage,
    Referral,
    ReferrerKind,
    Signing,
    SigningDocument,
    SigningKind,
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
    "investor_uscc",
    "planned_construction_date",
    "planned_production_date",
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


class DuplicateWarning(ValidationError):
    """Possibly the same project as one already recorded; saved only once the user confirms."""


def _check_duplicates(project: Project, confirmed: bool) -> None:
    if confirmed:
        return
    others = possible_duplicates(project)
    if others:
        names = "、".join(f"“{p.name}”（{p.county.name}）" for p in others)
        raise DuplicateWarning(
            {
                "confirm_duplicate": f"同一投资方在同一园区已有名称相近的项目：{names}。"
                "请核实是否重复录入；确认不是同一项目的，勾选“确认不是重复项目”后再保存"
            }
        )


@transaction.atomic
def create_project(
    user,
    data: dict[str, Any],
    lead_date: dt.date | None = None,
    confirm_duplicate: bool = False,
) -> Project:
    """A new project starts as a 线索 (lead) dated today unless a date is given."""
    require(
        can_create_project(user, data.get("county_id"), data.get("park_id")),
        "只能在本县市/园区新增项目",
    )
    project = Project(stage=ProjectStage.LEAD, lead_date=lead_date or timezone.localdate())
    _apply_fields(project, data)
    _check_duplicates(project, confirm_duplicate)
    project._history_user = user
    project.save()
    return project


@transaction.atomic
def update_project(
    user, project: Project, data: dict[str, Any], confirm_duplicate: bool = False
) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can_write_project(user, project), "只能修改本县市/园区的项目")
    _apply_fields(project, data)
    if {"name", "investor_uscc", "park_id", "county_id"} & set(data):
        _check_duplicates(project, confirm_duplicate)
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
    pause_point("stage-change")  # the kill test's moment: project and history written
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
    existing = ProjectMonth.objects.select_for_update().filter(project=project, month=month)
    row = existing.first() or ProjectMonth(project=project, month=month)
    row.funds_arrived_wan = funds_arrived_wan
    row.fixed_asset_done_wan = fixed_asset_done_wan
    row.jobs_created = jobs_created
    row.note = note.strip()
    row.user = user
    row._history_user = user
    row.save()
    return row


# --- signing registry -------------------------------------------------------------------------


def _first_from_project(project: Project) -> Signing:
    """The signing a project already carries (event, date, amount), entered into the registry."""
    return Signing.objects.create(
        project=project,
        event=project.event,
        date=project.signed_date,
        kind=SigningKind.FIRST,
        document=SigningDocument.PROTOCOL,
        amount_min_wan=project.agreed_min_wan,
        amount_max_wan=project.agreed_max_wan,
        amount_text=project.agreed_text,
        increment_min_wan=project.agreed_min_wan,
        increment_max_wan=project.agreed_max_wan,
        note="按项目签约信息登记",
    )


def _increment(new: Money, old: Money) -> Money:
    """What an upgrade adds: the difference of lower bounds, and of upper bounds when known."""
    lo_new, lo_old = new.min_wan or Decimal(0), old.min_wan or Decimal(0)
    hi = None
    if new.max_wan is not None and old.max_wan is not None:
        hi = max(new.max_wan - old.max_wan, Decimal(0))
    return Money(max(lo_new - lo_old, Decimal(0)), hi, "")


def _signing_kind(previous: list[Signing], document: str, amount: Money) -> str:
    last = previous[-1]
    best_rank = max(DOCUMENT_RANK[SigningDocument(s.document)] for s in previous)
    larger = amount.min_wan is not None and amount.min_wan > (last.amount_min_wan or 0)
    if DOCUMENT_RANK[SigningDocument(document)] > best_rank or larger:
        return SigningKind.UPGRADE
    return SigningKind.RESIGN


def _signing_errors(project, previous, event, date) -> dict[str, str]:
    errors = {}
    if date > timezone.localdate():
        errors["date"] = "签约日期不能晚于今天"
    if previous and date < previous[0].date:
        errors["date"] = f"签约日期不能早于首次签约日期 {previous[0].date:%Y-%m-%d}"
    if event is not None and any(s.event_id == event.pk for s in previous):
        errors["event"] = f"该项目已在“{event.name}”登记签约，同一活动不能重复登记"
    if not previous and project.stage == ProjectStage.TERMINATED:
        errors["project"] = "项目已终止，不能登记签约"
    return errors


def _amount(text: str, fallback: Money) -> Money:
    if not text.strip():
        return fallback
    try:
        return parse_money(text)
    except AmountError as exc:
        raise ValidationError({"amount": f"签约金额：{exc}"}) from exc


@transaction.atomic
def record_signing(
    user,
    project: Project,
    date: dt.date,
    event=None,
    document: str = SigningDocument.PROTOCOL,
    amount_text: str = "",
    note: str = "",
) -> Signing:
    """Register one signing. The first one moves the project to 签约 and is the one that counts;
    a later one is an upgrade (better document or larger amount: counts the increment) or a
    re-signing (counts nothing), flagged as such wherever signings are listed."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can_write_project(user, project), "只能为本县市/园区的项目登记签约")
    if document not in SigningDocument.values:
        raise ValidationError({"document": f"未知的签约文本：{document}"})
    previous = list(project.signings.order_by("date", "id"))
    if not previous and project.signed_date:
        previous = [_first_from_project(project)]
    errors = _signing_errors(project, previous, event, date)
    if errors:
        raise ValidationError(errors)
    amount = _amount(amount_text, previous[-1].amount if previous else project.agreed)
    if not previous:
        return _first_signing(user, project, date, event, document, amount, note)
    kind = _signing_kind(previous, document, amount)
    increment = _increment(amount, previous[-1].amount) if kind == SigningKind.UPGRADE else None
    if kind == SigningKind.UPGRADE:
        _set_agreed(user, project, amount)
    return _save_signing(user, project, date, event, document, amount, kind, increment, note)


def _set_agreed(user, project: Project, amount: Money) -> None:
    project.agreed_min_wan, project.agreed_max_wan = amount.min_wan, amount.max_wan
    project.agreed_text = amount.text
    project._history_user = user
    project._change_reason = "升级签约"
    project.save()


def _first_signing(user, project, date, event, document, amount, note) -> Signing:
    if project.stage in (ProjectStage.LEAD, ProjectStage.NEGOTIATING):
        dates = {"negotiating": project.negotiating_date or date, "signed": date}
        transition_project(user, project, ProjectStage.SIGNED, dates)
        project.refresh_from_db()
    project.event = event
    _set_agreed(user, project, amount)
    whole = Money(amount.min_wan, amount.max_wan, "")
    return _save_signing(
        user, project, date, event, document, amount, SigningKind.FIRST, whole, note
    )


def _save_signing(user, project, date, event, document, amount, kind, increment, note) -> Signing:
    increment = increment or Money(Decimal(0), Decimal(0), "")  # a re-signing adds nothing
    signing = Signing(
        project=project,
        event=event,
        date=date,
        kind=kind,
        document=document,
        amount_min_wan=amount.min_wan,
        amount_max_wan=amount.max_wan,
        amount_text=amount.text,
        increment_min_wan=increment.min_wan,
        increment_max_wan=increment.max_wan,
        note=note.strip(),
        user=user,
    )
    signing._history_user = user
    signing.save()
    return signing


# --- evidence ---------------------------------------------------------------------------------

# What each accepted kind of file starts with: the name alone is the uploader's word.
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EVIDENCE_MAGIC = {
    ".pdf": b"%PDF",
    ".ofd": _ZIP,
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".doc": _OLE,
    ".xls": _OLE,
    ".docx": _ZIP,
    ".xlsx": _ZIP,
}
EVIDENCE_EXTENSIONS = set(EVIDENCE_MAGIC)


def _content_matches(upload, suffix: str) -> bool:
    magic = EVIDENCE_MAGIC[suffix]
    upload.seek(0)
    start = upload.read(len(magic))
    upload.seek(0)
    return start == magic


@transaction.atomic
def add_evidence(user, project: Project, stage: str, kind: str, upload, note: str = "") -> Evidence:
    """Attach a file backing a stage claim (agreement, licence, permit, photo)."""
    require(can_write_project(user, project), "只能为本县市/园区的项目上传佐证材料")
    errors = {}
    if stage not in ProjectStage.values:
        errors["stage"] = f"未知的项目阶段：{stage}"
    if kind not in EvidenceKind.values:
        errors["kind"] = f"未知的材料类型：{kind}"
    suffix = Path(upload.name).suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        errors["file"] = "仅允许上传 pdf、ofd、jpg、png、doc(x)、xls(x) 格式的文件"
    elif upload.size > settings.MAX_EVIDENCE_BYTES:
        errors["file"] = f"文件不能超过 {settings.MAX_EVIDENCE_BYTES // (1024 * 1024)} MB"
    elif not _content_matches(upload, suffix):
        errors["file"] = f"文件内容与扩展名 {suffix} 不符，请上传真实的 {suffix[1:]} 文件"
    if errors:
        raise ValidationError(errors)
    return Evidence.objects.create(
        project=project,
        stage=stage,
        kind=kind,
        file=upload,
        original_name=Path(upload.name).name[:255],
        note=note.strip(),
        uploaded_by=user,
    )


# --- 领导督办 -----------------------------------------------------------------------------------


@transaction.atomic
def issue_instruction(
    user, project: Project, text: str, due_date: dt.date | None = None
) -> Instruction:
    """A leader's instruction on a project; the responsible officer answers it with follow-ups."""
    require(can_issue_instruction(user), "只有领导可以作出督办批示")
    today = timezone.localdate()
    errors = {}
    if not text.strip():
        errors["text"] = "批示内容不能为空"
    if due_date and due_date < today:
        errors["due_date"] = "办理时限不能早于今天"
    if errors:
        raise ValidationError(errors)
    item = Instruction(
        project=project, leader=user, date=today, text=text.strip(), due_date=due_date
    )
    item._history_user = user
    item.save()
    return item


@transaction.atomic
def reply_instruction(user, instruction: Instruction, note: str, close: bool = False) -> FollowUp:
    """The officer's answer is a follow-up on the project; closing it records the day."""
    instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
    require(can_write_project(user, instruction.project), "只能办理本县市/园区项目的督办事项")
    if not instruction.is_open:
        raise ValidationError({"note": "该督办事项已办结"})
    reply = add_follow_up(user, instruction.project, timezone.localdate(), note)
    reply.instruction = instruction
    reply.save(update_fields=["instruction"])
    if close:
        instruction.closed_date = timezone.localdate()
        instruction._history_user = user
        instruction.save()
    return reply


# --- 以商招商 -----------------------------------------------------------------------------------


@transaction.atomic
def record_referral(
    user,
    project: Project,
    kind: str,
    referrer_name: str,
    referrer=None,
    supplies: bool = False,
    offtake: bool = False,
    commitments: str = "",
) -> Referral:
    """Record (or correct) who brought the project and what they committed to."""
    require(can_write_project(user, project), "只能为本县市/园区的项目登记引荐方")
    name = (referrer.name if referrer is not None else referrer_name).strip()
    errors = {}
    if kind not in ReferrerKind.values:
        errors["kind"] = f"未知的引荐方类型：{kind}"
    if not name:
        errors["referrer_name"] = "引荐方不能为空"
    if errors:
        raise ValidationError(errors)
    item = Referral.objects.filter(project=project).first() or Referral(project=project)
    item.kind, item.referrer, item.referrer_name = kind, referrer, name
    item.supplies, item.offtake, item.commitments = supplies, offtake, commitments.strip()
    item.user = user
    item._history_user = user
    item.save()
    return item
