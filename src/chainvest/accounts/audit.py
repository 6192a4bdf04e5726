"""The audit trail: every recorded write, from every history table and every log table,
read as one list (newest first) for the audit page and its export.

Nothing is copied: the rows are the history rows django-simple-history writes (also the ones
imports write in bulk) and the rows of the logs the services keep (stage changes, import
batches, merges, decisions on duplicates, link exclusions, follow-ups, evidence). The page
reads them through one UNION, so there is no second copy that could disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from simple_history.models import registered_models

HISTORY_ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}
ADMIN_ACTIONS = {1: "后台新增", 2: "后台修改", 3: "后台删除"}
COLUMNS = ("a_at", "a_user", "a_model", "a_object", "a_action", "a_summary")


@dataclass(frozen=True)
class Source:
    """One table read as audit rows: which columns say when, who, what and how."""

    key: str  # "projects.Project" or "projects.StageChange"
    model_label: str
    at: str
    user: str
    object_id: str
    action: Any
    summary: Any
    where: Q = field(default_factory=Q)
    model_column: str | None = None  # when each row names its own model (AuditEntry)

    def rows(self) -> QuerySet:
        model = apps.get_model(self.model_label)
        text = CharField()
        return (
            model.objects.filter(self.where)
            .annotate(
                a_at=F(self.at),
                a_user=F(self.user),
                a_model=F(self.model_column)
                if self.model_column
                else Value(self.key, output_field=text),
                a_object=Cast(self.object_id, text),
                a_action=self.action,
                a_summary=Cast(Coalesce(self.summary, Value("")), text),
            )
            .values(*COLUMNS)
            .order_by()  # a model's Meta.ordering is not allowed inside a UNION
        )


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())


def history_sources() -> list[Source]:
    """Every model with django-simple-history: 新增 / 修改 / 删除 with the reason given."""
    out = []
    for model in registered_models.values():
        # (registered_models also lists the through tables of m2m history: no `history` there;
        # their changes come with the parent's history row)
        if not model.__module__.startswith("chainvest.") or not hasattr(model, "history"):
            continue
        history = model.history.model
        out.append(
            Source(
                key=model._meta.label,
                model_label=history._meta.label,
                at="history_date",
                user="history_user_id",
                object_id="id",
                action=Case(
                    *[When(history_type=k, then=_text(v)) for k, v in HISTORY_ACTIONS.items()],
                    output_field=CharField(),
                ),
                summary=F("history_change_reason"),
            )
        )
    return out


def log_sources() -> list[Source]:
    """The logs the services keep for writes that are more than one row's history."""
    return [
        Source(
            "projects.StageChange",
            "projects.StageChange",
            "at",
            "user_id",
            "project_id",
            _text("阶段变更"),
            Concat("from_stage", Value(" → "), "to_stage", Value(" "), "reason"),
        ),
        Source(
            "enterprises.ImportBatch",
            "enterprises.ImportBatch",
            "created_at",
            "uploaded_by_id",
            "id",
            _text("导入"),
            Concat(
                "file_name",
                Value("：新增 "),
                Cast("created_count", CharField()),
                Value("，更新 "),
                Cast("updated_count", CharField()),
                Value("，状态 "),
                "status",
            ),
        ),
        Source(
            "enterprises.MergeRecord",
            "enterprises.MergeRecord",
            "merged_at",
            "merged_by_id",
            "merged_id",
            _text("合并"),
            Concat(Value("并入企业 #"), Cast("survivor_id", CharField())),
        ),
        Source(
            "enterprises.MergeRecord",
            "enterprises.MergeRecord",
            "undone_at",
            "undone_by_id",
            "merged_id",
            _text("撤销合并"),
            Concat(Value("从企业 #"), Cast("survivor_id", CharField())),
            Q(undone_at__isnull=False),
        ),
        Source(
            "enterprises.DuplicateCandidate",
            "enterprises.DuplicateCandidate",
            "decided_at",
            "decided_by_id",
            "id",
            _text("处理疑似重复"),
            F("status"),
            Q(decided_at__isnull=False),
        ),
        Source(
            "accounts.AuditEntry",
            "accounts.AuditEntry",
            "at",
            "user_id",
            "object_id",
            F("action"),
            F("summary"),
            model_column="model",
        ),
        Source(
            "projects.FollowUp",
            "projects.FollowUp",
            "created_at",
            "author_id",
            "project_id",
            _text("跟进"),
            F("note"),
        ),
        Source(
            "projects.Evidence",
            "projects.Evidence",
            "uploaded_at",
            "uploaded_by_id",
            "project_id",
            _text("上传佐证"),
            F("original_name"),
        ),
        # Economic indicators are entered or imported once and never edited in place.
        Source(
            "indicators.EconomicIndicator",
            "indicators.EconomicIndicator",
            "updated_at",
            "created_by_id",
            "id",
            _text("录入指标"),
            Concat(
                "indicator",
                Value(" "),
                Cast("year", CharField()),
                Value("："),
                Cast("value", CharField()),
                Value(" "),
                "unit",
            ),
        ),
        # Whatever an administrator does in Django's admin (regions, chains, users, …).
        Source(
            "admin.LogEntry",
            "admin.LogEntry",
            "action_time",
            "user_id",
            "object_id",
            Case(
                *[When(action_flag=k, then=_text(v)) for k, v in ADMIN_ACTIONS.items()],
                output_field=CharField(),
            ),
            Concat(
                "content_type__app_label",
                Value("."),
                "content_type__model",
                Value("："),
                "object_repr",
            ),
        ),
    ]


def all_sources() -> list[Source]:
    return history_sources() + log_sources()


def model_choices() -> list[tuple[str, str]]:
    """(key, 中文名) of every table the trail reads, for the filter."""
    named = {s.key for s in all_sources() if not s.model_column}
    entries = apps.get_model("accounts.AuditEntry").objects.values_list("model", flat=True)
    keys = sorted(named | set(entries.distinct().order_by()))
    return [(k, str(apps.get_model(k)._meta.verbose_name)) for k in keys]


@dataclass(frozen=True)
class AuditFilter:
    user_id: int | None = None
    model: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive


def _narrowed(source: Source, f: AuditFilter) -> QuerySet:
    rows = source.rows()
    if f.model and source.model_column:
        rows = rows.filter(a_model=f.model)
    if f.user_id:
        rows = rows.filter(a_user=f.user_id)
    if f.start:
        rows = rows.filter(a_at__date__gte=f.start)
    if f.end:
        rows = rows.filter(a_at__date__lte=f.end)
    return rows


def audit_rows(f: AuditFilter) -> QuerySet:
    """Every audit row that passes the filter, newest first (a UNION ALL of the sources)."""
    sources = [s for s in all_sources() if not f.model or s.model_column or s.key == f.model]
    if not sources:
        return apps.get_model("projects.StageChange").objects.none().values(*COLUMNS)
    first, *rest = [_narrowed(s, f) for s in sources]
    return first.union(*rest, all=True).order_by("-a_at", "-a_object")


@dataclass
class AuditRow:
    at: dt.datetime
    user: str
    model: str
    object_id: str
    action: str
    summary: str


def labelled(rows: list[dict]) -> list[AuditRow]:
    """Rows for display: user names and model names in words."""
    users = get_user_model().objects.filter(pk__in={r["a_user"] for r in rows if r["a_user"]})
    names = {u.pk: _user_label(u) for u in users.select_related("profile")}
    models = dict(model_choices())
    return [
        AuditRow(
            at=r["a_at"],
            user=names.get(r["a_user"], "系统") if r["a_user"] else "系统",
            model=models.get(r["a_model"], r["a_model"]),
            object_id=r["a_object"],
            action=r["a_action"],
            summary=r["a_summary"],
        )
        for r in rows
    ]


def _user_label(user: Any) -> str:
    profile = getattr(user, "profile", None)
    if profile and profile.display_name:
        return f"{profile.display_name}（{user.username}）"
    return user.username
