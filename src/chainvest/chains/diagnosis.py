"""TEMPORARY adapter until branch chain-diagnosis lands: same API, naive rules.

Replaced wholesale by the real module on merge (take theirs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chainvest.chains.models import Chain


@dataclass(frozen=True)
class LinkDiagnosis:
    link_id: int
    code: str
    name: str
    stage: str
    weight: int
    local_count: int
    local_capital_wan: float
    leader_count: int
    pipeline_signed: int
    pipeline_building: int
    location_quotient: float | None
    status: str
    action: str
    reasons: list[str] = field(default_factory=list)
    feeds: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ChainDiagnosis:
    chain_id: int
    code: str
    name: str
    completeness: float
    matching_rate: float | None
    action: str
    chiefs: list[str]
    leaders: list[str]
    thresholds: dict
    links: list[LinkDiagnosis]


def _link(link) -> LinkDiagnosis:
    from chainvest.enterprises.models import EnterpriseLink

    rows = EnterpriseLink.objects.filter(link=link, enterprise__region__code__startswith="6523")
    count = rows.count()
    signed = link.projects.filter(archived=False, signed_date__isnull=False).count()
    building = link.projects.filter(archived=False, stage="construction").count()
    if count >= 3:
        status, action = "strong", ""
    elif count:
        status, action = "weak", "强链"
    elif signed:
        status, action = "filling", ""
    else:
        status, action = "missing", "补链"
    return LinkDiagnosis(
        link.id,
        link.code,
        link.name,
        link.stage,
        link.weight,
        count,
        0.0,
        0,
        signed,
        building,
        None,
        status,
        action,
        [f"本地企业{count}家"],
        [t.id for t in link.feeds.all()],
    )


def diagnose_chain(chain, region=None, as_of=None) -> ChainDiagnosis:
    links = [_link(link) for link in chain.links.order_by("order", "id")]
    total = sum(d.weight for d in links) or 1
    present = sum(d.weight for d in links if d.status in ("strong", "weak"))
    return ChainDiagnosis(
        chain.id,
        chain.code,
        chain.name,
        present / total,
        None,
        "",
        [chain.chief_title] if chain.chief_title else [],
        [],
        {},
        links,
    )


def diagnose_all(region=None, as_of=None) -> list[ChainDiagnosis]:
    return [diagnose_chain(c) for c in Chain.objects.order_by("cluster__order", "order", "code")]
