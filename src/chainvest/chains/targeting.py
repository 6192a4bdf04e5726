"""Whom to bring for one link: the inputs of engine.targeting gathered in a few bulk queries,
and the ranked targets turned back into named rows with reasons.

The pool comes from the columnar snapshot. By default it is read from the database into memory
and cached until the pool changes (a handful of aggregate queries tell); with
settings.CHAINVEST_TARGETING_SNAPSHOT = "saved" the saved snapshot (VAR_DIR/snapshot, kept up
to date by the snapshot job) is opened memory-mapped instead, which is what a 10 M pool needs.
docs/targeting.md describes the signals and weights.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from chainvest.chains.diagnosis import region_prefix
from chainvest.chains.models import ChainLeader, Link
from chainvest.engine import snapshot as sn
from chainvest.engine import targeting as tg
from chainvest.enterprises import snapshot as pool_snapshot
from chainvest.enterprises.models import Enterprise, EnterpriseLink, EnterpriseRelation
from chainvest.projects.models import Engagement, Project, ProjectStage

TRADE = ("supplies", "buys_from")
_CACHE: dict[str, Any] = {}


@dataclass
class Target:
    enterprise_id: int
    name: str
    region: str
    score: float
    contributions: dict[str, float]  # part → points; they sum to score
    reasons: list[str]
    capital_wan: float | None
    status: str = ""  # "" for a new target; 已对接 / 项目库：<stage> otherwise
    rank: int = 0


@dataclass
class TargetList:
    link: Link
    targets: list[Target]
    known: list[Target]  # already engaged or in the pipeline, with their status
    candidates: int
    weights: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "link": {"id": self.link.id, "name": self.link.name, "chain": self.link.chain.name},
            "weights": self.weights,
            "candidates": self.candidates,
            "targets": [t.__dict__ for t in self.targets],
            "known": [t.__dict__ for t in self.known],
        }


def _fingerprint() -> tuple:
    pool = Enterprise.objects.aggregate(n=Count("id"), top=Max("id"))
    links = EnterpriseLink.objects.aggregate(n=Count("id"), top=Max("id"))
    changed = Enterprise.history.aggregate(at=Max("history_date"))["at"]
    return (pool["n"], pool["top"], links["n"], links["top"], changed)


def current_pool() -> sn.Snapshot:
    """The pool snapshot, read again only when the pool has changed."""
    if getattr(settings, "CHAINVEST_TARGETING_SNAPSHOT", "db") == "saved":
        snap = sn.load(pool_snapshot.snapshot_dir())
        key = ("saved", snap.meta.get("built_at"))
    else:
        key, snap = ("db", _fingerprint()), None
    if _CACHE.get("key") != key:
        if snap is None:
            codes = pool_snapshot._Codes()
            snap = sn.concat(pool_snapshot._read_after(0, codes, pool_snapshot.CHUNK))
        _CACHE.clear()
        _CACHE.update(key=key, snap=snap)
    return _CACHE["snap"]


def link_index(snap: sn.Snapshot, context: tg.Context) -> tg.LinkIndex:
    """The candidates index of this snapshot for the region, kept while both stay the same."""
    key = (id(snap), context.home_prefix, context.home_links.tobytes())
    if _CACHE.get("index_key") != key:
        index = tg.LinkIndex.build(snap, context.home_prefix, context.home_links)
        _CACHE.update(index_key=key, index=index)
    return _CACHE["index"]


def _local(prefix: str, path: str = "") -> Q:
    return Q(**{f"{path}region__code__startswith": prefix})


def _leader_ids(prefix: str) -> dict[int, str]:
    """Local chain leaders (flagged or named on a chain) → name."""
    named = ChainLeader.objects.values_list("enterprise_id", flat=True)
    rows = Enterprise.objects.filter(_local(prefix)).filter(
        Q(is_chain_leader=True) | Q(id__in=named)
    )
    return dict(rows.values_list("id", "name"))


def _ties(prefix: str) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Outside enterprise → names of the local leaders it trades with / local firms it owns."""
    leaders = _leader_ids(prefix)
    trade: dict[int, list[str]] = defaultdict(list)
    rel = EnterpriseRelation.objects.filter(kind__in=TRADE)
    for a, b in rel.filter(source_id__in=leaders).values_list("source_id", "target_id"):
        trade[b].append(leaders[a])
    for a, b in rel.filter(target_id__in=leaders).values_list("source_id", "target_id"):
        trade[a].append(leaders[b])
    invested: dict[int, list[str]] = defaultdict(list)
    owned = EnterpriseRelation.objects.filter(kind="invests_in").filter(_local(prefix, "target__"))
    for source, name in owned.values_list("source_id", "target__name"):
        invested[source].append(name)
    return trade, invested


def _expansions(today: dt.date) -> dict[int, int]:
    """New subsidiaries and branches (invested-in enterprises founded in the last 3 years)."""
    since = today - dt.timedelta(days=365 * tg.RECENT_YEARS)
    rows = (
        EnterpriseRelation.objects.filter(kind="invests_in", target__established_date__gte=since)
        .values("source_id")
        .annotate(n=Count("target_id", distinct=True))
    )
    return {r["source_id"]: r["n"] for r in rows}


def _known() -> dict[int, str]:
    """Enterprises already engaged or in the pipeline → their status label."""
    status = {e: "已对接" for e in Engagement.objects.values_list("enterprise_id", flat=True)}
    projects = Project.objects.filter(investor__isnull=False, archived=False).exclude(
        stage=ProjectStage.TERMINATED
    )
    labels = dict(ProjectStage.choices)
    for investor, stage in projects.values_list("investor_id", "stage"):
        status[investor] = f"项目库：{labels.get(stage, stage)}"
    return status


def _ids(keys) -> np.ndarray:
    return np.fromiter(keys, np.int64)


def gather_context(
    snap: sn.Snapshot, prefix: str, today: dt.date, known: dict[int, str]
) -> tuple[tg.Context, dict[str, Any]]:
    trade, invested = _ties(prefix)
    engaged, pipeline = _status_ids(known)
    expansions = _expansions(today)
    context = tg.Context(
        home_prefix=prefix,
        home_links=tg.home_links(snap, prefix),
        leader_tie_ids=_ids(trade),
        investor_tie_ids=_ids(invested),
        expansion_ids=_ids(expansions),
        expansion_counts=np.fromiter(expansions.values(), np.int64, len(expansions)),
        engaged_ids=engaged,
        pipeline_ids=pipeline,
        today=sn.day_number(today),
    )
    facts = {"trade": trade, "invested": invested, "expansions": expansions}
    return context, facts | {"home_links": context.home_links}


def _status_ids(known: dict[int, str]) -> tuple[np.ndarray, np.ndarray]:
    engaged = [e for e, s in known.items() if s == "已对接"]
    pipeline = [e for e, s in known.items() if s != "已对接"]
    return _ids(engaged), _ids(pipeline)


def _targets(ranking: tg.Ranking, snap, facts, known, names, link_id) -> list[Target]:
    out = []
    home_links = facts["home_links"]
    for i, (row, eid) in enumerate(zip(ranking.rows.tolist(), ranking.ids.tolist(), strict=True)):
        name, region = names.get(eid, ("", ""))
        capital = float(snap.capital[row])
        trade, invested = facts["trade"].get(eid), facts["invested"].get(eid)
        _, fit_links = tg.fit_part(snap, np.array([row]), link_id, home_links)
        out.append(
            Target(
                enterprise_id=eid,
                name=name,
                region=region,
                score=round(float(ranking.score[i]), 2),
                contributions={
                    p: round(float(c), 2)
                    for p, c in zip(tg.PARTS, ranking.contributions[i], strict=True)
                },
                reasons=tg.reasons(
                    ranking.parts[i],
                    capital,
                    int(snap.insured[row]),
                    bool(snap.flags[row] & sn.FLAG_LISTED),
                    float(ranking.parts[i, 0]),
                    facts["expansions"].get(eid, 0),
                    int(fit_links[0]),
                    trade or invested,
                    "leader" if trade else "investor",
                ),
                capital_wan=capital if np.isfinite(capital) else None,
                status=known.get(eid, ""),
                rank=i + 1,
            )
        )
    return out


def rank_targets(
    link: Link | int,
    top: int = 50,
    weights: dict[str, float] | None = None,
    region: str | None = None,
) -> TargetList:
    """The top targets for a link outside the region (default: the home prefecture)."""
    if not isinstance(link, Link):
        link = Link.objects.select_related("chain").get(pk=link)
    weights = weights if weights is not None else getattr(settings, "TARGETING_WEIGHTS", None)
    prefix = region_prefix(region or settings.HOME_REGION_CODE)
    snap = current_pool()
    known = _known()
    context, facts = gather_context(snap, prefix, timezone.localdate(), known)
    index = link_index(snap, context)
    new, seen = tg.rank(snap, link.id, context, k=top, weights=weights, index=index)
    ids = np.concatenate([new.ids, seen.ids]).tolist()
    names = {
        pk: (name, region_name or "")
        for pk, name, region_name in Enterprise.objects.filter(id__in=ids).values_list(
            "id", "name", "region__name"
        )
    }
    return TargetList(
        link=link,
        targets=_targets(new, snap, facts, known, names, link.id),
        known=_targets(seen, snap, facts, known, names, link.id),
        candidates=new.candidates,
        weights=new.weights or tg.check_weights(weights),
    )
