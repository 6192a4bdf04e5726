"""Writes to the enterprise pool's duplicates: merge, undo, dismiss, link a branch.

A merge records in MergeRecord.moved exactly which rows it moved, deleted or changed (with
their earlier values), so that undo_merge puts every row back as it was.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from chainvest.accounts.permissions import can_write_enterprises, require
from chainvest.engine.names import branch_parent, name_key
from chainvest.enterprises.models import (
    AssignmentSource,
    CandidateStatus,
    DuplicateCandidate,
    DuplicateReason,
    Enterprise,
    EnterpriseLink,
    EnterpriseRelation,
    MergeRecord,
    RelationKind,
)
from chainvest.projects.models import Engagement, Project

MERGE_REASON = "企业合并"
UNDO_REASON = "撤销企业合并"
# Survivor fields filled from the merged enterprise when empty; capital moves as one group.
FILL_FIELDS = [
    "uscc",
    "legal_representative",
    "established_date",
    "enterprise_type",
    "address",
    "region_id",
    "park_id",
    "industry_id",
    "paid_in_capital_wan",
    "insured_count",
    "business_scope",
    "status",
]
CAPITAL_FIELDS = [
    "registered_capital_wan",
    "registered_capital_text",
    "registered_capital_currency",
]
FLAG_FIELDS = ["is_listed", "is_chain_leader"]


class MergeError(ValidationError):
    """A merge or undo the rules refuse; nothing was changed."""


can_merge = can_write_enterprises


def _require_writer(user: Any) -> None:
    require(can_merge(user), "只有系统管理员和招商分析员可以处理疑似重复企业")


# --- row snapshots that survive a trip through JSON ---------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _dump(obj: models.Model, attnames: list[str] | None = None) -> dict[str, Any]:
    fields = [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in attnames or fields}


def _restore(obj: models.Model, data: dict[str, Any]) -> None:
    by_attname = {f.attname: f for f in obj._meta.concrete_fields}
    for name, value in data.items():
        setattr(obj, name, by_attname[name].to_python(value))


def _recreate(model: type[models.Model], rows: list[dict]) -> None:
    objs = []
    for row in rows:
        obj = model()
        _restore(obj, row)
        objs.append(obj)
    model.objects.bulk_create(objs)


# --- merge ----------------------------------------------------------------------------------


def _move_investments(user: Any, survivor: Enterprise, merged: Enterprise) -> list[int]:
    projects = list(Project.objects.filter(investor=merged))
    for project in projects:
        project.investor = survivor
    # bulk_update leaves updated_at alone, so an undo restores the rows exactly.
    bulk_update_with_history(
        projects, Project, ["investor"], default_user=user, default_change_reason=MERGE_REASON
    )
    return [p.pk for p in projects]


def _move_engagements(survivor: Enterprise, merged: Enterprise) -> list[int]:
    ids = list(Engagement.objects.filter(enterprise=merged).values_list("id", flat=True))
    Engagement.objects.filter(id__in=ids).update(enterprise=survivor)
    return ids


def _merged_link_wins(kept: EnterpriseLink, other: EnterpriseLink) -> bool:
    """On one link held by both: a manual assignment beats an automatic one, then confidence."""
    if kept.source != other.source:
        return other.source == AssignmentSource.MANUAL
    return other.confidence > kept.confidence


def _move_links(survivor: Enterprise, merged: Enterprise) -> dict[str, list]:
    held = {row.link_id: row for row in EnterpriseLink.objects.filter(enterprise=survivor)}
    moved, deleted = [], []
    for row in EnterpriseLink.objects.filter(enterprise=merged).order_by("id"):
        kept = held.get(row.link_id)
        if kept is not None and not _merged_link_wins(kept, row):
            deleted.append(_dump(row))
            row.delete()
            continue
        if kept is not None:
            deleted.append(_dump(kept))
            kept.delete()
        moved.append(row.pk)
    EnterpriseLink.objects.filter(id__in=moved).update(enterprise=survivor)
    return {"moved": moved, "deleted": deleted}


def _move_relations(survivor: Enterprise, merged: Enterprise) -> dict[str, list]:
    ties = EnterpriseRelation.objects.filter(
        models.Q(source=survivor) | models.Q(target=survivor)
    ).values_list("source_id", "target_id", "kind")
    existing = set(ties)
    moved, deleted = [], []
    rows = EnterpriseRelation.objects.filter(models.Q(source=merged) | models.Q(target=merged))
    for row in rows.order_by("id"):
        before = _dump(row)
        side = "source_id" if row.source_id == merged.pk else "target_id"
        setattr(row, side, survivor.pk)
        key = (row.source_id, row.target_id, row.kind)
        if row.source_id == row.target_id or key in existing:  # a self-tie or a duplicate
            deleted.append(before)
            EnterpriseRelation.objects.filter(pk=row.pk).delete()
            continue
        existing.add(key)
        row.save(update_fields=[side])
        moved.append({"id": row.pk, "field": side})
    return {"moved": moved, "deleted": deleted}


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _fill_survivor(survivor: Enterprise, merged: Enterprise) -> dict[str, Any]:
    """Copy what the survivor lacks; return the survivor's earlier values of what changed."""
    before = {}
    for name in FILL_FIELDS:
        if _is_empty(getattr(survivor, name)) and not _is_empty(getattr(merged, name)):
            before[name] = _plain(getattr(survivor, name))
            setattr(survivor, name, getattr(merged, name))
    has_capital = survivor.registered_capital_text or survivor.registered_capital_wan is not None
    if not has_capital and (merged.registered_capital_text or merged.registered_capital_wan):
        before.update(_dump(survivor, CAPITAL_FIELDS))
        for name in CAPITAL_FIELDS:
            setattr(survivor, name, getattr(merged, name))
    for name in FLAG_FIELDS:
        if getattr(merged, name) and not getattr(survivor, name):
            before[name] = False
            setattr(survivor, name, True)
    return before


def _with_former_names(survivor: Enterprise, merged: Enterprise) -> list[str]:
    names = list(survivor.former_names or [])
    for name in [merged.name, *(merged.former_names or [])]:
        name = (name or "").strip()
        if name and name != survivor.name.strip() and name not in names:
            names.append(name)
    return names


def _check_mergeable(survivor: Enterprise, merged: Enterprise) -> None:
    if survivor.pk == merged.pk:
        raise MergeError("不能把企业合并到它自己")
    for enterprise in (survivor, merged):
        if enterprise.archived or enterprise.merged_into_id:
            raise MergeError(f"“{enterprise.name}”已归档或已合并，不能再参与合并")


def _save_enterprise(enterprise: Enterprise, user: Any, reason: str) -> None:
    enterprise._history_user = user
    enterprise._change_reason = reason
    enterprise.save()


def _lock(*ids: int) -> list[Enterprise]:
    rows = {e.pk: e for e in Enterprise.objects.select_for_update().filter(id__in=ids)}
    return [rows[pk] for pk in ids]


def _decide(candidate: DuplicateCandidate | None, user: Any, status: str) -> dict | None:
    """Close a queue entry; return its earlier state for an undo."""
    if candidate is None:
        return None
    before = _dump(candidate, ["id", "status", "decided_by_id", "decided_at"])
    candidate.status = status
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    return before


def _pair_candidate(
    candidate: DuplicateCandidate | None, survivor: Enterprise, merged: Enterprise
) -> DuplicateCandidate | None:
    """The queue entry of this pair (given, or found), which the merge closes."""
    first, second = sorted([survivor.pk, merged.pk])
    if candidate is None:
        candidate = DuplicateCandidate.objects.filter(
            first_id=first, second_id=second, status=CandidateStatus.OPEN
        ).first()
        if candidate is None:
            return None
    if (candidate.first_id, candidate.second_id) != (first, second):
        raise MergeError("疑似重复记录与所选的两家企业不符")
    return _open_candidate(candidate)


@transaction.atomic
def merge_enterprises(
    user: Any,
    survivor: Enterprise,
    merged: Enterprise,
    candidate: DuplicateCandidate | None = None,
) -> MergeRecord:
    """Fold `merged` into `survivor`: its projects, engagements, links and relations move over,
    the survivor's empty fields are filled, and `merged` is archived. Undo with undo_merge."""
    _require_writer(user)
    survivor, merged = _lock(survivor.pk, merged.pk)
    _check_mergeable(survivor, merged)
    merged_before = _dump(merged, ["uscc", "archived", "merged_into_id"])
    survivor_before = _fill_survivor(survivor, merged)
    survivor_before["former_names"] = list(survivor.former_names or [])
    survivor.former_names = _with_former_names(survivor, merged)
    candidate = _pair_candidate(candidate, survivor, merged)
    moved = {
        "projects": _move_investments(user, survivor, merged),
        "engagements": _move_engagements(survivor, merged),
        "links": _move_links(survivor, merged),
        "relations": _move_relations(survivor, merged),
        "survivor": survivor_before,
        "merged": merged_before,
        "candidate": _decide(candidate, user, CandidateStatus.MERGED),
    }
    merged.archived = True
    merged.merged_into = survivor
    if "uscc" in survivor_before:  # the code moves over; it is unique, so free it first
        merged.uscc = None
    _save_enterprise(merged, user, f"{MERGE_REASON}：合并到“{survivor.name}”")
    _save_enterprise(survivor, user, f"{MERGE_REASON}：并入“{merged.name}”")
    return MergeRecord.objects.create(
        survivor=survivor, merged=merged, candidate=candidate, moved=moved, merged_by=user
    )


# --- undo -----------------------------------------------------------------------------------


def _restore_links(survivor: Enterprise, merged: Enterprise, moved: dict) -> None:
    EnterpriseLink.objects.filter(id__in=moved["moved"]).update(enterprise=merged)
    _recreate(EnterpriseLink, moved["deleted"])


def _restore_relations(merged: Enterprise, moved: dict) -> None:
    for entry in moved["moved"]:
        EnterpriseRelation.objects.filter(pk=entry["id"]).update(**{entry["field"]: merged.pk})
    _recreate(EnterpriseRelation, moved["deleted"])


def _restore_projects(user: Any, merged: Enterprise, ids: list[int]) -> None:
    projects = list(Project.objects.filter(id__in=ids))
    for project in projects:
        project.investor = merged
    bulk_update_with_history(
        projects, Project, ["investor"], default_user=user, default_change_reason=UNDO_REASON
    )


def _restore_candidate(before: dict | None) -> None:
    if before is None:
        return
    candidate = DuplicateCandidate.objects.filter(pk=before["id"]).first()
    if candidate is not None:
        _restore(candidate, before)
        candidate.save(update_fields=["status", "decided_by", "decided_at"])


def _check_undoable(record: MergeRecord, survivor: Enterprise) -> None:
    if record.undone_at is not None:
        when = timezone.localtime(record.undone_at).strftime("%Y-%m-%d %H:%M")
        raise MergeError(f"该合并已于 {when} 撤销，不能重复撤销")
    if survivor.archived or survivor.merged_into_id:
        raise MergeError(f"“{survivor.name}”此后已被合并或归档，请先撤销那一次合并")


@transaction.atomic
def undo_merge(user: Any, record: MergeRecord) -> MergeRecord:
    """Put back every row the merge moved or changed; the merged enterprise returns."""
    _require_writer(user)
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    survivor, merged = _lock(record.survivor_id, record.merged_id)
    _check_undoable(record, survivor)
    moved = record.moved
    _restore(survivor, moved["survivor"])  # also frees a USCC that came from `merged`
    _save_enterprise(survivor, user, f"{UNDO_REASON}：移出“{merged.name}”")
    _restore(merged, moved["merged"])
    _save_enterprise(merged, user, UNDO_REASON)
    _restore_projects(user, merged, moved["projects"])
    Engagement.objects.filter(id__in=moved["engagements"]).update(enterprise=merged)
    _restore_links(survivor, merged, moved["links"])
    _restore_relations(merged, moved["relations"])
    _restore_candidate(moved.get("candidate"))
    record.undone_by = user
    record.undone_at = timezone.now()
    record.save(update_fields=["undone_by", "undone_at"])
    return record


# --- the queue's other answers --------------------------------------------------------------


def _open_candidate(candidate: DuplicateCandidate) -> DuplicateCandidate:
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != CandidateStatus.OPEN:
        raise MergeError(f"该疑似重复记录已处理（{candidate.get_status_display()}）")
    return candidate


@transaction.atomic
def dismiss_candidate(user: Any, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """非重复: the pair stays in the table as dismissed, so detection never raises it again."""
    _require_writer(user)
    candidate = _open_candidate(candidate)
    _decide(candidate, user, CandidateStatus.DISMISSED)
    return candidate


def branch_sides(candidate: DuplicateCandidate) -> tuple[Enterprise, Enterprise]:
    """(parent, branch) of a 分公司 pair, whichever way round the pair is stored."""
    first, second = candidate.first, candidate.second
    if branch_parent(second.name) == first.name_key:
        return first, second
    if branch_parent(first.name) == second.name_key:
        return second, first
    raise MergeError("这两家企业不是总公司与分公司的关系")


@transaction.atomic
def link_branch(user: Any, candidate: DuplicateCandidate) -> EnterpriseRelation:
    """设为分支机构: a branch is its own legal entity; tie it to the parent instead of merging."""
    _require_writer(user)
    candidate = _open_candidate(candidate)
    if candidate.reason != DuplicateReason.BRANCH:
        raise MergeError("只有“分公司与总公司”的疑似记录可以设为分支机构")
    parent, branch = branch_sides(candidate)
    relation, _ = EnterpriseRelation.objects.get_or_create(
        source=parent, target=branch, kind=RelationKind.INVESTS_IN, defaults={"note": "分支机构"}
    )
    # Not a duplicate: closing it as dismissed keeps detection from raising it again.
    _decide(candidate, user, CandidateStatus.DISMISSED)
    return relation


# --- editing one enterprise -----------------------------------------------------------------

EDITABLE_FIELDS = {
    "name",
    "uscc",
    "former_names",
    "legal_representative",
    "established_date",
    "enterprise_type",
    "address",
    "region_id",
    "park_id",
    "industry_id",
    "registered_capital_wan",
    "registered_capital_text",
    "registered_capital_currency",
    "paid_in_capital_wan",
    "insured_count",
    "is_listed",
    "business_scope",
    "status",
    "is_chain_leader",
}


@transaction.atomic
def update_enterprise(user: Any, enterprise: Enterprise, data: dict[str, Any]) -> Enterprise:
    """Correct one enterprise's registry fields by hand, with the change kept in history."""
    _require_writer(user)
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: "该字段不可修改" for name in sorted(unknown)})
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    for name, value in data.items():
        setattr(enterprise, name, value)
    enterprise.name_key = name_key(enterprise.name)
    enterprise.full_clean(exclude=["merged_into", "import_batch"])
    _save_enterprise(enterprise, user, "")
    return enterprise
