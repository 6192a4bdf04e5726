"""The chain diagnosis: the facts of every link gathered in a few aggregate queries, judged by
engine.diagnosis.

Whatever the number of chains, one diagnosis runs a fixed number of queries (about ten): the
links, flows, placements per link (local and national counts, local capital), pool totals,
leaders, chiefs, pipeline projects and the industry classes. Rules and their edge cases are in
docs/diagnosis.md.

"Local" means inside the region (default: settings.HOME_REGION_CODE, the prefecture), by
GB/T 2260 code prefix. The pool is every enterprise neither archived nor merged away; with
`as_of`, enterprises established later and projects signed later (or terminated by then) are
left out, so a past month can be diagnosed again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from chainvest.chains.models import Chain, ChainChief, ChainLeader, Link
from chainvest.engine import diagnosis as rules
from chainvest.enterprises.models import Enterprise, EnterpriseLink
from chainvest.projects.models import Project, ProjectStage
from chainvest.regions.models import Region

T = TypeVar("T")


@dataclass(frozen=True)
class LinkDiagnosis:
    link_id: int
    code: str
    name: str
    stage: str
    weight: int
    local_count: int  # local enterprises on the link, not archived/merged
    local_capital_wan: float  # their registered capital
    leader_count: int  # chain leaders (链主) among them
    pipeline_signed: int  # projects aimed at the link, signed (not yet under construction)
    pipeline_building: int  # projects aimed at the link, under construction or later
    location_quotient: float | None  # concentration here vs the national pool
    status: str  # "strong" | "weak" | "missing" | "filling"
    action: str  # "补链" | "延链" | "强链" | "" (建链 is at chain level)
    reasons: list[str]  # sentence-long Chinese reasons with the numbers behind the status
    feeds: list[int]  # link ids this link feeds (the flows)
    national_count: int = 0  # pool enterprises on the link, here and elsewhere
    project_ids: list[int] = field(default_factory=list)  # the pipeline projects, signed first
    parent_id: int | None = None

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]


@dataclass(frozen=True)
class ChainDiagnosis:
    chain_id: int
    code: str
    name: str
    completeness: float  # share of weighted links present (strong or weak)
    matching_rate: float | None  # 本地配套率: share of the leaders' input links served locally
    action: str  # "建链" when little is here but the chain is close to what the region does
    chiefs: list[str]  # 链长, "name（title）"
    leaders: list[str]  # 链主 enterprise names
    thresholds: dict
    links: list[LinkDiagnosis]
    relatedness: float | None = None  # closeness to the region's industries (for 建链)
    reasons: list[str] = field(default_factory=list)  # the chain-level reasons
    region_code: str = ""
    as_of: dt.date | None = None

    def count(self, status: str) -> int:
        return sum(1 for link in self.links if link.status == status)


def region_prefix(code: str) -> str:
    """GB/T 2260 nesting: a province is its 2 leading digits, a prefecture 4, a county all 6."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def region_code_of(region: Region | str | None) -> str:
    if region is None:
        return settings.HOME_REGION_CODE
    return region.code if isinstance(region, Region) else str(region)


def diagnose_chain(
    chain: Chain | int, region: Region | str | None = None, as_of: dt.date | None = None
) -> ChainDiagnosis:
    """One chain's diagnosis in the region (default: the configured home prefecture)."""
    if not isinstance(chain, Chain):
        chain = Chain.objects.get(pk=chain)
    return _diagnose([chain], region, as_of)[0]


def diagnose_all(
    region: Region | str | None = None, as_of: dt.date | None = None
) -> list[ChainDiagnosis]:
    """Every chain, in display order, with the same fixed number of queries as one chain."""
    chains = list(Chain.objects.order_by("cluster__order", "order", "code"))
    return _diagnose(chains, region, as_of) if chains else []


def _diagnose(
    chains: list[Chain], region: Region | str | None, as_of: dt.date | None
) -> list[ChainDiagnosis]:
    code = region_code_of(region)
    facts = _Facts([c.id for c in chains], region_prefix(code), as_of or timezone.localdate())
    return [facts.judge(chain, code) for chain in chains]


def _kept(key: str, read: Callable[[], T]) -> T:
    """read(), or what it gave within the last settings.POOL_FACTS_SECONDS in this process.

    The pool-wide figures (totals, local divisions, placements per link) read up to the whole
    pool: a second at a million enterprises, on every chain page; they move with imports and
    classification runs. 0 (the default, and the tests) reads them every time; a server may
    keep them a few minutes (docs/load.md), the chain pages then lag the pool by that much."""
    seconds = settings.POOL_FACTS_SECONDS
    if seconds <= 0:
        return read()
    key = f"chainvest:diagnosis:{key}"
    found = cache.get(key)
    if found is None:
        found = read()
        cache.set(key, found, seconds)
    return found


def _read_pool_facts(pool: Q, local: Q) -> tuple[tuple[int, int], set]:
    counts = Enterprise.objects.filter(pool).aggregate(
        local=Count("id", filter=local), national=Count("id")
    )
    divisions = {
        klass[:2]
        for klass in Enterprise.objects.filter(pool & local, industry__isnull=False)
        .values_list("industry__code", flat=True)
        .distinct()
    }
    return (counts["local"], counts["national"]), divisions


class _Facts:
    """Everything the rules need about a set of chains, read once."""

    def __init__(self, chain_ids: list[int], prefix: str, as_of: dt.date) -> None:
        self.as_of = as_of
        pool = Q(archived=False, merged_into__isnull=True) & (
            Q(established_date__isnull=True) | Q(established_date__lte=as_of)
        )
        local = Q(region__code__startswith=prefix)
        self.links = defaultdict(list)
        for row in (
            Link.objects.filter(chain_id__in=chain_ids)
            .order_by("order", "id")
            .values("id", "chain_id", "code", "name", "stage", "weight", "parent_id")
        ):
            self.links[row["chain_id"]].append(row)
        self.edges = list(
            Link.feeds.through.objects.filter(from_link__chain_id__in=chain_ids).values_list(
                "from_link_id", "to_link_id"
            )
        )
        when = f"{prefix}:{as_of.isoformat()}"
        chains = ",".join(map(str, sorted(chain_ids)))
        self.placed = _kept(
            f"placed:{chains}:{when}", lambda: self._placements(chain_ids, pool, local)
        )
        self.totals, self.local_divisions = _kept(
            f"pool:{when}", lambda: _read_pool_facts(pool, local)
        )
        self.leader_names, self.leaders_on = self._leaders(chain_ids, pool, prefix)
        self.chiefs = defaultdict(list)
        for chain_id, name, title in ChainChief.objects.filter(chain_id__in=chain_ids).values_list(
            "chain_id", "name", "title"
        ):
            self.chiefs[chain_id].append(f"{name}（{title}）" if title else name)
        self.projects = self._projects(chain_ids, prefix, as_of)
        self.divisions = defaultdict(set)
        for link_id, klass in Link.industry_codes.through.objects.filter(
            link__chain_id__in=chain_ids
        ).values_list("link_id", "industrycode__code"):
            self.divisions[link_id].add(klass[:2])

    @staticmethod
    def _placements(chain_ids: list[int], pool: Q, local: Q) -> dict[int, dict]:
        on_pool = _prefixed(pool, "enterprise__")
        here = _prefixed(local, "enterprise__")
        rows = (
            EnterpriseLink.objects.filter(on_pool, link__chain_id__in=chain_ids)
            .values("link_id")
            .annotate(
                national=Count("enterprise_id"),
                local=Count("enterprise_id", filter=here),
                capital=Sum("enterprise__registered_capital_wan", filter=here),
            )
        )
        return {row["link_id"]: row for row in rows}

    @staticmethod
    def _leaders(chain_ids: list[int], pool: Q, prefix: str) -> tuple[dict, dict]:
        """Leader names per chain; and per link the leaders placed on it, with their locality."""
        names: dict[int, list[str]] = defaultdict(list)
        for chain_id, name in ChainLeader.objects.filter(chain_id__in=chain_ids).values_list(
            "chain_id", "enterprise__name"
        ):
            names[chain_id].append(name)
        on: dict[int, list[bool]] = defaultdict(list)
        rows = EnterpriseLink.objects.filter(
            _prefixed(pool, "enterprise__"),
            link__chain_id__in=chain_ids,
            enterprise__chain_leaderships__chain_id=F("link__chain_id"),
        ).values_list("link_id", "enterprise__region__code")
        for link_id, region in rows:
            on[link_id].append(bool(region) and region.startswith(prefix))
        return names, on

    @staticmethod
    def _projects(chain_ids: list[int], prefix: str, as_of: dt.date) -> dict[int, list]:
        """Projects aimed at each link, signed by `as_of` and not terminated by then."""
        alive = ~Q(stage=ProjectStage.TERMINATED) | Q(terminated_date__gt=as_of)
        rows = (
            Project.objects.filter(
                alive,
                archived=False,
                link__chain_id__in=chain_ids,
                signed_date__lte=as_of,
                county__code__startswith=prefix,
            )
            .order_by("signed_date", "id")
            .values_list("link_id", "id", "name", "construction_date")
        )
        out: dict[int, list] = defaultdict(list)
        for link_id, pk, name, built in rows:
            out[link_id].append((pk, name, built is not None and built <= as_of))
        return out

    def link_facts(self, row: dict) -> rules.LinkFacts:
        placed = self.placed.get(row["id"], {})
        projects = self.projects.get(row["id"], [])
        building = sum(1 for *_, built in projects if built)
        return rules.LinkFacts(
            link_id=row["id"],
            name=row["name"],
            weight=row["weight"],
            local_count=placed.get("local", 0),
            local_capital_wan=float(placed.get("capital") or 0),
            national_count=placed.get("national", 0),
            pipeline_signed=len(projects) - building,
            pipeline_building=building,
            leader_count=sum(self.leaders_on.get(row["id"], [])),
        )

    def judge(self, chain: Chain, region_code: str) -> ChainDiagnosis:
        rows = self.links[chain.id]
        facts = [self.link_facts(row) for row in rows]
        ids = {row["id"] for row in rows}
        edges = [(a, b) for a, b in self.edges if a in ids and b in ids]
        thresholds = chain.thresholds
        verdict = rules.diagnose(
            facts,
            edges,
            self.totals,
            thresholds,
            leader_links=[i for i in ids if self.leaders_on.get(i)],
            link_divisions={i: self.divisions.get(i, ()) for i in ids},
            local_divisions=self.local_divisions,
        )
        feeds = defaultdict(list)
        for a, b in edges:
            feeds[a].append(b)
        links = [
            self._link(row, f, verdict.links[row["id"]], feeds)
            for row, f in zip(rows, facts, strict=True)
        ]
        return ChainDiagnosis(
            chain_id=chain.id,
            code=chain.code,
            name=chain.name,
            completeness=verdict.completeness,
            matching_rate=verdict.matching_rate,
            action=verdict.action,
            chiefs=self.chiefs.get(chain.id, []),
            leaders=self.leader_names.get(chain.id, []),
            thresholds=thresholds.as_dict(),
            links=links,
            relatedness=verdict.relatedness,
            reasons=verdict.reasons,
            region_code=region_code,
            as_of=self.as_of,
        )

    def _link(self, row: dict, facts: rules.LinkFacts, verdict, feeds: dict) -> LinkDiagnosis:
        projects = self.projects.get(row["id"], [])
        reasons = list(verdict.reasons)
        if projects:
            reasons.append("瞄准此环节的项目：" + "、".join(name for _, name, _ in projects) + "。")
        return LinkDiagnosis(
            link_id=row["id"],
            code=row["code"],
            name=row["name"],
            stage=row["stage"],
            weight=row["weight"],
            local_count=facts.local_count,
            local_capital_wan=facts.local_capital_wan,
            leader_count=facts.leader_count,
            pipeline_signed=facts.pipeline_signed,
            pipeline_building=facts.pipeline_building,
            location_quotient=verdict.location_quotient,
            status=verdict.status,
            action=verdict.action,
            reasons=reasons,
            feeds=sorted(feeds.get(row["id"], [])),
            national_count=facts.national_count,
            project_ids=[pk for pk, _, _ in projects],
            parent_id=row["parent_id"],
        )


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition, seen from a model that reaches the original one through `prefix`."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            key, value = child
            out.children.append((prefix + key, value))
    return out


def local_enterprises(link: Link | int, region: Region | str | None = None) -> QuerySet[Enterprise]:
    """The local enterprises placed on a link (for the map's detail panel), largest first."""
    prefix = region_prefix(region_code_of(region))
    return (
        Enterprise.objects.filter(
            link_set__link=link,
            archived=False,
            merged_into__isnull=True,
            region__code__startswith=prefix,
        )
        .with_place()
        .order_by("-registered_capital_wan", "name")
    )
