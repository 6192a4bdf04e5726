"""Where to grow for the home prefecture: the prefecture × link matrix from the pool snapshot,
ranked by engine.growth, with the numbers behind every point of the chart."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from chainvest.chains.diagnosis import region_prefix
from chainvest.chains.models import ChainLeader, Link
from chainvest.chains.targeting import current_pool
from chainvest.engine import growth
from chainvest.engine import relatedness as rel
from chainvest.engine import snapshot as sn
from chainvest.engine import targeting as tg


@dataclass
class GrowthRow:
    link_id: int
    name: str
    chain: str
    chain_code: str
    stage: str
    present: bool
    local_count: int
    rca: float
    density: float
    pci: float
    parts: dict[str, float]  # raw, 0..1
    contributions: dict[str, float]  # weight × part; sum to score
    score: float
    rank: int | None  # among absent links, 1 = best
    buyer: bool


def _matrix(snap: sn.Snapshot, prefix: str, columns: dict[int, int]):
    """Regions at the prefix's level (prefectures for "6523") × links, counting live firms."""
    counts = np.diff(snap.link_indptr)
    owner = np.repeat(np.arange(len(snap), dtype=np.int64), counts)
    alive = tg.eligible_rows(snap, "99")  # region range of "99" holds nobody: liveness only
    area = snap.region.astype(np.int64) // 10 ** (6 - len(prefix))
    size = max(int(snap.link_ids.max(initial=0)), max(columns, default=0)) + 1
    col = np.full(size, -1, np.int64)
    col[list(columns)] = list(columns.values())
    keep = alive[owner] & (snap.region[owner] > 0) & (col[snap.link_ids] >= 0)
    areas, rows = np.unique(np.append(area[owner[keep]], int(prefix)), return_inverse=True)
    rows = rows[:-1]  # the appended home code only makes sure the home row exists
    matrix = rel.matrix_from_pool(rows, col[snap.link_ids[keep]], shape=(len(areas), len(columns)))
    return matrix, int(np.searchsorted(areas, int(prefix)))


def _leader_links(snap: sn.Snapshot, prefix: str) -> set[int]:
    """Links on which a local chain leader (flagged, or named on a chain) sits."""
    lo, hi = tg.region_range(prefix)
    named = ChainLeader.objects.values_list("enterprise_id", flat=True)
    flagged = (snap.flags & sn.FLAG_CHAIN_LEADER) != 0
    leaders = flagged | np.isin(snap.ids, np.fromiter(named, np.int64))
    here = leaders & (snap.region >= lo) & (snap.region < hi)
    return set(snap.link_ids[np.repeat(here, np.diff(snap.link_indptr))].tolist())


def where_to_grow(weights: dict[str, float] | None = None) -> tuple[list[GrowthRow], dict]:
    """Every link with its numbers; absent links ranked. Also the weights used."""
    prefix = region_prefix(settings.HOME_REGION_CODE)
    links = list(Link.objects.select_related("chain").prefetch_related("feeds").order_by("id"))
    if not links:
        return [], growth.check_weights(weights)
    columns = {link.id: i for i, link in enumerate(links)}
    snap = current_pool()
    matrix, home = _matrix(snap, prefix, columns)
    leader_links = _leader_links(snap, prefix)
    feeds_leader = np.array([any(f.id in leader_links for f in link.feeds.all()) for link in links])
    link_weight = np.array([link.weight for link in links], float)
    g = growth.grow(matrix, home, link_weight, feeds_leader, weights)
    w = np.array([g.weights[p] for p in growth.PARTS])
    rank = {int(col): i + 1 for i, col in enumerate(g.order)}
    rows = []
    for i, link in enumerate(links):
        rows.append(
            GrowthRow(
                link_id=link.id,
                name=link.name,
                chain=link.chain.name,
                chain_code=link.chain.code,
                stage=link.get_stage_display(),
                present=bool(g.present[i]),
                local_count=int(g.local_count[i]),
                rca=round(float(g.rca[i]), 3),
                density=round(float(g.density[i]), 4),
                pci=round(float(g.pci[i]), 3),
                parts={
                    p: round(float(v), 3) for p, v in zip(growth.PARTS, g.parts[i], strict=True)
                },
                contributions={
                    p: round(float(v), 2)
                    for p, v in zip(growth.PARTS, g.parts[i] * w * (not g.present[i]), strict=True)
                },
                score=round(float(g.score[i]), 2),
                rank=rank.get(i),
                buyer=bool(feeds_leader[i]),
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, -r.rca))
    return rows, g.weights
