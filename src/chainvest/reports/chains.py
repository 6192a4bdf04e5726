"""Reads behind the chain map, the cluster view and the chain exports.

The diagnosis itself (status, action, completeness…) comes from `chains.diagnosis`; this module
only arranges it for people and fetches the records a link's detail panel lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from chainvest.chains.diagnosis import ChainDiagnosis, LinkDiagnosis
from chainvest.chains.models import Chain, Cluster, Link, Stage
from chainvest.engine import diagnosis as engine_diagnosis
from chainvest.projects.models import Project

PANEL_ENTERPRISES = 50

# Order of the legend and of the count columns: what is there, then what is not.
STATUSES = ["strong", "weak", "filling", "missing"]
# One set of words for the statuses, from the rules themselves.
STATUS_LABELS = dict(engine_diagnosis.STATUS_LABELS)
# Element's meanings: green = fine, orange = needs work, red = alarm, blue = in progress.
STATUS_COLOURS = {
    "strong": "#13ce66",
    "weak": "#ffba00",
    "filling": "#1890ff",
    "missing": "#ff4949",
}
STATUS_TAGS = {"strong": "success", "weak": "warning", "filling": "primary", "missing": "danger"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status or "-")


def stage_label(stage: str) -> str:
    try:
        return Stage(stage).label
    except ValueError:
        return stage


def percent(share: float | None) -> str:
    """0.625 → 62.5%; no figure → '-'."""
    return "-" if share is None else f"{share * 100:.1f}%"


def status_counts(diagnosis: ChainDiagnosis) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for link in diagnosis.links:
        counts[link.status] = counts.get(link.status, 0) + 1
    return counts


def link_diagnosis(diagnosis: ChainDiagnosis, link_id: int) -> LinkDiagnosis | None:
    return next((link for link in diagnosis.links if link.link_id == link_id), None)


def pipeline_projects(link: Link) -> QuerySet[Project]:
    """Every project aimed at the link, leads included (the diagnosis counts only the signed),
    newest signing first."""
    return (
        Project.objects.active()
        .with_relations()
        .filter(link=link)
        .order_by(F("signed_date").desc(nulls_last=True), "name")
    )


@dataclass
class ChainRow:
    chain: Chain
    diagnosis: ChainDiagnosis
    counts: dict[str, int]

    @property
    def completeness(self) -> str:
        return percent(self.diagnosis.completeness)

    @property
    def matching_rate(self) -> str:
        return percent(self.diagnosis.matching_rate)

    @property
    def count_cells(self) -> list[int]:
        return [self.counts.get(status, 0) for status in STATUSES]


@dataclass
class ClusterRow:
    cluster: Cluster
    chains: list[ChainRow]


def cluster_overview(diagnoses: Iterable[ChainDiagnosis]) -> list[ClusterRow]:
    """Every cluster with its chains in order, each chain with its diagnosis and status counts."""
    by_chain = {d.chain_id: d for d in diagnoses}
    chains = (
        Chain.objects.with_cluster()
        .annotate(
            link_count=Count("links", distinct=True),
            project_count=Count("projects", filter=Q(projects__archived=False), distinct=True),
        )
        .order_by("cluster__order", "cluster__code", "order", "code")
    )
    rows: dict[int, ClusterRow] = {
        cluster.id: ClusterRow(cluster, []) for cluster in Cluster.objects.all()
    }
    for chain in chains:
        diagnosis = by_chain.get(chain.id)
        if diagnosis is not None:
            rows[chain.cluster_id].chains.append(
                ChainRow(chain, diagnosis, status_counts(diagnosis))
            )
    return list(rows.values())


def overview_chart(clusters: list[ClusterRow]) -> dict:
    """Data for the cluster view's stacked bar: one bar per chain, one series per status."""
    rows = [row for cluster in clusters for row in cluster.chains]
    return {
        "chains": [row.chain.name for row in rows],
        "codes": [row.chain.code for row in rows],
        "completeness": [round(row.diagnosis.completeness * 100, 1) for row in rows],
        "series": [
            {
                "status": status,
                "name": STATUS_LABELS[status],
                "color": STATUS_COLOURS[status],
                "data": [row.counts.get(status, 0) for row in rows],
            }
            for status in STATUSES
        ],
    }
