"""Reads for the enterprise profile (企业画像) and the merge queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from chainvest.enterprises.models import (
    CandidateStatus,
    DuplicateCandidate,
    Enterprise,
    EnterpriseLink,
    EnterpriseRelation,
    LinkExclusion,
    MergeRecord,
    RelationKind,
)
from chainvest.projects.models import Engagement, Project

# Columns that change with another column or say nothing to a reader of the change log.
# Fields whose changes say nothing to a reader of the change log (match keys, bookkeeping).
HISTORY_NOISE = ["name_key", "import_batch"]
SCOPE_EXCERPT = 120

# A tie seen from one side: (kind, this enterprise is the source?) → what the other one is.
ROLES = {
    (RelationKind.SUPPLIES, True): "客户",
    (RelationKind.SUPPLIES, False): "供应商",
    (RelationKind.BUYS_FROM, True): "供应商",
    (RelationKind.BUYS_FROM, False): "客户",
    (RelationKind.INVESTS_IN, True): "对外投资",
    (RelationKind.INVESTS_IN, False): "投资方",
}
GRAPH_CATEGORIES = ["本企业", "供应商", "客户", "投资方", "对外投资"]


def _placed(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "region__parent__parent", "park", "industry__parent__parent__parent", "merged_into"
    )


def profile_enterprise(pk: int) -> Enterprise:
    """The enterprise with its place, industry and merge target (raises DoesNotExist)."""
    return _placed(Enterprise.objects.all()).get(pk=pk)


def region_path(enterprise: Enterprise) -> list[Any]:
    """Province › city › county, from the county-level region up its parents."""
    path, region = [], enterprise.region
    while region is not None:
        path.append(region)
        region = region.parent
    return path[::-1]


def industry_path(enterprise: Enterprise) -> list[Any]:
    """门类 › 大类 › 中类 › 小类 of the enterprise's class."""
    path, code = [], enterprise.industry
    while code is not None:
        path.append(code)
        code = code.parent
    return path[::-1]


def links_of(enterprise: Enterprise) -> list[EnterpriseLink]:
    """Its chain links, manual assignments first, then by confidence; each with reason_list."""
    rows = list(
        EnterpriseLink.objects.filter(enterprise=enterprise)
        .select_related("link__chain")
        .order_by("-source", "-confidence", "link__chain__order", "link__order")
    )
    for row in rows:
        row.reason_list = reason_labels(row.reasons)
    return rows


def exclusions_of(enterprise: Enterprise) -> list[LinkExclusion]:
    """The links an analyst said it is not on (人工排除), newest first."""
    return list(
        LinkExclusion.objects.filter(enterprise=enterprise)
        .select_related("link__chain", "created_by")
        .order_by("-created_at", "-id")
    )


@dataclass
class RelationRow:
    other: Enterprise
    role: str
    kind: str
    note: str
    outgoing: bool


def relations_of(enterprise: Enterprise) -> list[RelationRow]:
    """Every tie of the enterprise, described from its side (供应商, 客户, 投资方, 对外投资)."""
    ties = EnterpriseRelation.objects.filter(Q(source=enterprise) | Q(target=enterprise))
    rows = []
    for tie in ties.select_related("source", "target").order_by("kind", "id"):
        outgoing = tie.source_id == enterprise.pk
        rows.append(
            RelationRow(
                other=tie.target if outgoing else tie.source,
                role=ROLES[(tie.kind, outgoing)],
                kind=tie.get_kind_display(),
                note=tie.note,
                outgoing=outgoing,
            )
        )
    order = {role: i for i, role in enumerate(GRAPH_CATEGORIES)}
    return sorted(rows, key=lambda r: (order[r.role], r.other.name))


def relation_graph(enterprise: Enterprise, rows: list[RelationRow]) -> dict[str, Any]:
    """ECharts graph data: the enterprise in the middle, goods and money flowing along edges
    (supplier → customer, investor → investee)."""
    nodes = {enterprise.pk: _node(enterprise, "本企业")}
    edges = []
    for row in rows:
        nodes.setdefault(row.other.pk, _node(row.other, row.role))
        upstream = row.role in {"供应商", "投资方"}
        source, target = (row.other, enterprise) if upstream else (enterprise, row.other)
        label = "投资" if row.role in {"投资方", "对外投资"} else "供应"
        edges.append({"source": str(source.pk), "target": str(target.pk), "label": label})
    return {"nodes": list(nodes.values()), "edges": edges, "categories": GRAPH_CATEGORIES}


def _node(enterprise: Enterprise, role: str) -> dict[str, Any]:
    return {
        "id": str(enterprise.pk),
        "name": enterprise.name,
        "category": GRAPH_CATEGORIES.index(role),
        "archived": enterprise.archived,
    }


def engagements_of(enterprise: Enterprise) -> QuerySet[Engagement]:
    return Engagement.objects.filter(enterprise=enterprise).select_related(
        "chain", "county", "event", "officer__profile"
    )


def projects_of(enterprise: Enterprise) -> QuerySet[Project]:
    """Projects it invests in (archived ones too: the profile is the full record)."""
    return Project.objects.with_relations().filter(investor=enterprise)


def merges_into(enterprise: Enterprise) -> QuerySet[MergeRecord]:
    """Merges that folded another enterprise into this one, newest first."""
    return MergeRecord.objects.filter(survivor=enterprise).select_related(
        "merged", "merged_by__profile", "undone_by__profile"
    )


def open_merge_of(enterprise: Enterprise) -> MergeRecord | None:
    """The merge, not undone, that folded this enterprise into another."""
    return MergeRecord.objects.filter(merged=enterprise, undone_at__isnull=True).first()


# --- merge queue ----------------------------------------------------------------------------


def open_candidates(reason: str | None = None) -> QuerySet[DuplicateCandidate]:
    """Open pairs whose two sides are both still in the pool, strongest first."""
    qs = DuplicateCandidate.objects.filter(
        status=CandidateStatus.OPEN, first__archived=False, second__archived=False
    )
    if reason:
        qs = qs.filter(reason=reason)
    return qs.order_by("-score", "id")


def _count(model: Any, fk: str) -> Coalesce:
    rows = model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
    return Coalesce(
        Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


def with_counts(ids: list[int]) -> dict[int, Enterprise]:
    """Enterprises by id, each with project_count, engagement_count and link_count."""
    qs = _placed(Enterprise.objects.filter(id__in=ids)).annotate(
        project_count=_count(Project, "investor"),
        engagement_count=_count(Engagement, "enterprise"),
        link_count=_count(EnterpriseLink, "enterprise"),
    )
    return {e.pk: e for e in qs}


@dataclass
class QueueEntry:
    candidate: DuplicateCandidate
    first: Enterprise
    second: Enterprise

    @property
    def sides(self) -> list[Enterprise]:
        return [self.first, self.second]


def queue_entries(candidates: list[DuplicateCandidate]) -> list[QueueEntry]:
    """One page of the queue with both sides loaded and counted in one query."""
    ids = {c.first_id for c in candidates} | {c.second_id for c in candidates}
    sides = with_counts(list(ids))
    return [QueueEntry(c, sides[c.first_id], sides[c.second_id]) for c in candidates]


def recent_merges(limit: int = 20) -> QuerySet[MergeRecord]:
    return MergeRecord.objects.select_related(
        "survivor", "merged", "merged_by__profile", "undone_by__profile"
    )[:limit]


def scope_excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SCOPE_EXCERPT else text[:SCOPE_EXCERPT] + "…"


# Classifier reasons are JSON: plain phrases, or objects naming what matched and where.
REASON_SOURCES = {"name": "名称", "scope": "经营范围", "business_scope": "经营范围"}
REASON_KEYS = ("text", "phrase", "keyword", "term", "label", "match", "code", "industry")


def reason_labels(reasons: Any) -> list[str]:
    """The reasons of a link assignment as short readable phrases."""
    if isinstance(reasons, str | int | float):
        return [str(reasons)]
    if isinstance(reasons, dict):
        where = REASON_SOURCES.get(str(reasons.get("field") or reasons.get("kind") or ""), "")
        what = next((str(reasons[k]) for k in REASON_KEYS if reasons.get(k)), "")
        if not what:
            return ["；".join(f"{k}：{v}" for k, v in reasons.items())] if reasons else []
        return [f"{where}“{what}”" if where else what]
    if isinstance(reasons, list | tuple):
        return [label for item in reasons for label in reason_labels(item)]
    return []
