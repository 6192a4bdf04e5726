"""Whom to bring (补链/强链): rank the enterprises outside the home region for one chain link.

Input is the columnar pool snapshot (engine.snapshot) plus a few small id lists that the
Django side reads from relations and the pipeline. Every signal becomes a part in [0, 1]:

- link:     how surely the enterprise sits on the link (classification confidence)
- scale:    registered capital and insured employees (log scale, capped) and being listed
- ties:     supplier/customer of a local chain leader (以商招商), or an investor in a local firm
- momentum: recent expansions (new subsidiaries/branches) and recent establishment
- fit:      share of the enterprise's *other* links the home region already has (related
            capabilities nearby: it would find suppliers and customers here)

score = Σ weight_k × part_k, weights summing to 100, so each target's score is literally the sum
of its shown contributions. docs/targeting.md documents the parts, caps and default weights.

Candidates: on the link, not archived or merged, not closed (注销/吊销/撤销), region outside
the home prefix. Those already engaged or in the pipeline are ranked too but returned apart,
with their status, so they are never recommended as new.

Pure NumPy: no Django here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from chainvest.engine import snapshot as sn

PARTS = ("link", "scale", "ties", "momentum", "fit")
DEFAULT_WEIGHTS: dict[str, float] = {
    "link": 25.0,
    "scale": 25.0,
    "ties": 20.0,
    "momentum": 15.0,
    "fit": 15.0,
}
PART_LABELS = {
    "link": "环节匹配",
    "scale": "企业规模",
    "ties": "本地关联",
    "momentum": "扩张势头",
    "fit": "产业适配",
}
# Caps of the log scales: 10 亿元 (1e5 万元) of capital and 5,000 insured count as full scale.
CAPITAL_CAP_WAN = 1e5
INSURED_CAP = 5_000
RECENT_YEARS = 3
EXPANSIONS_CAP = 3
CLOSED = np.array(
    [sn.STATUS_CODES["吊销"], sn.STATUS_CODES["注销"], sn.STATUS_CODES["撤销"]], np.int8
)
# Engagement status of a candidate.
NEW, ENGAGED, PIPELINE = 0, 1, 2
STATUS_LABELS = {NEW: "", ENGAGED: "已对接", PIPELINE: "已在项目库"}


def check_weights(weights: dict[str, float] | None) -> dict[str, float]:
    """Defaults overlaid by `weights`, rescaled to sum to 100; unknown or negative names fail."""
    merged = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in DEFAULT_WEIGHTS:
            raise ValueError(f"unknown weight {name!r}; known: {', '.join(PARTS)}")
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"weight {name} must be a finite number ≥ 0, got {value}")
        merged[name] = float(value)
    total = sum(merged.values())
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    return {name: 100.0 * merged[name] / total for name in PARTS}


@dataclass
class Context:
    """What is known about the home region; small arrays, read by the Django side."""

    home_prefix: str  # GB/T 2260 prefix of the prefecture ("6523")
    home_links: np.ndarray  # link ids present here (local enterprises on them)
    leader_tie_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    investor_tie_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    expansion_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    expansion_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    engaged_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pipeline_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    today: int = 0  # day number (snapshot.day_number) of "now"

    def __post_init__(self) -> None:
        for name in ("home_links", "leader_tie_ids", "investor_tie_ids", "engaged_ids"):
            setattr(self, name, np.unique(np.asarray(getattr(self, name), np.int64)))
        self.pipeline_ids = np.unique(np.asarray(self.pipeline_ids, np.int64))
        ids = np.asarray(self.expansion_ids, np.int64)
        order = np.argsort(ids, kind="stable")
        self.expansion_ids = ids[order]
        self.expansion_counts = np.asarray(self.expansion_counts, np.float64)[order]


@dataclass
class Ranking:
    """Targets in rank order: rows into the snapshot, their parts (R × 5) and contributions."""

    rows: np.ndarray
    ids: np.ndarray
    score: np.ndarray
    parts: np.ndarray  # raw parts in [0, 1], columns in PARTS order
    contributions: np.ndarray  # weight × part; rows sum to score
    status: np.ndarray  # NEW / ENGAGED / PIPELINE
    candidates: int  # how many enterprises were scored
    weights: dict[str, float] = field(default_factory=dict)


def region_range(prefix: str) -> tuple[int, int]:
    """Region codes with this prefix form the half-open range [lo, hi) of 6-digit numbers."""
    scale = 10 ** (6 - len(prefix))
    lo = int(prefix) * scale
    return lo, lo + scale


def home_links(snap: sn.Snapshot, prefix: str) -> np.ndarray:
    """Link ids that live enterprises of the region (by code prefix) are on."""
    lo, hi = region_range(prefix)
    alive = ((snap.flags & (sn.FLAG_ARCHIVED | sn.FLAG_MERGED)) == 0) & ~np.isin(
        snap.status, CLOSED
    )
    here = (snap.region >= lo) & (snap.region < hi) & alive
    return np.unique(snap.link_ids[np.repeat(here, np.diff(snap.link_indptr))])


def eligible_rows(snap: sn.Snapshot, prefix: str) -> np.ndarray:
    """Per row: outside the region, neither archived nor merged, not closed."""
    lo, hi = region_range(prefix)
    return (
        ((snap.region < lo) | (snap.region >= hi))
        & ((snap.flags & (sn.FLAG_ARCHIVED | sn.FLAG_MERGED)) == 0)
        & ~np.isin(snap.status, CLOSED)
    )


def assignment_fit(snap: sn.Snapshot, home_links: np.ndarray) -> np.ndarray:
    """Per assignment (row, link): share of the row's other links that the region has."""
    counts = np.diff(snap.link_indptr)
    owner = np.repeat(np.arange(len(snap), dtype=np.int64), counts)
    here = _isin(snap.link_ids.astype(np.int64), np.asarray(home_links, np.int64))
    n_here = np.bincount(owner, weights=here, minlength=len(snap))[owner] - here
    other = (counts - 1)[owner].astype(np.float64)
    return np.divide(n_here, other, out=np.zeros(len(owner)), where=other > 0)


@dataclass
class LinkIndex:
    """The candidates of every link, contiguous, with their static parts; built once per
    snapshot and home region (like the index and computed columns a database would keep).

    The snapshot is row-major (CSR): ranking one link from it means scanning every assignment
    and gathering scattered rows. Here the eligible assignments are sorted by link, so one
    link's candidates are the slice ptr[l]:ptr[l + 1] of each array.
    """

    prefix: str
    ptr: np.ndarray
    ids: np.ndarray
    conf: np.ndarray
    scale: np.ndarray
    fit: np.ndarray
    established: np.ndarray

    @classmethod
    def build(cls, snap: sn.Snapshot, prefix: str, home_links: np.ndarray) -> LinkIndex:
        owner = np.repeat(np.arange(len(snap), dtype=np.int64), np.diff(snap.link_indptr))
        fit = assignment_fit(snap, home_links)
        order = np.argsort(snap.link_ids, kind="stable")
        order = order[eligible_rows(snap, prefix)[owner[order]]]
        size = int(snap.link_ids.max(initial=-1)) + 1
        ptr = np.zeros(size + 1, np.int64)
        np.cumsum(np.bincount(snap.link_ids[order], minlength=size), out=ptr[1:])
        rows = owner[order]
        scale = scale_part(snap.capital, snap.insured, snap.flags).astype(np.float32)
        return cls(
            prefix=prefix,
            ptr=ptr,
            ids=snap.ids[rows],
            conf=np.clip(snap.link_conf[order].astype(np.float32), 0, 1),
            scale=scale[rows],
            fit=fit[order].astype(np.float32),
            established=snap.established[rows],
        )

    def span(self, link_id: int) -> slice:
        if not 0 <= link_id < len(self.ptr) - 1:
            return slice(0, 0)
        return slice(int(self.ptr[link_id]), int(self.ptr[link_id + 1]))


def _isin(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Membership in a sorted array (Context keeps its id lists sorted).

    np.isin would build a lookup table spanning max - min of the ids (10 M entries on a 10 M
    pool) or sort both arrays on every call; a binary search per candidate is cheaper.
    """
    if not len(members):
        return np.zeros(values.shape, bool)
    pos = np.minimum(np.searchsorted(members, values), len(members) - 1)
    return members[pos] == values


def _log_share(values: np.ndarray, cap: float) -> np.ndarray:
    clean = np.where(np.isfinite(values) & (values > 0), values, 0.0)
    return np.minimum(np.log1p(clean) / np.log1p(cap), 1.0)


def scale_part(capital: np.ndarray, insured: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Half capital, three tenths insured employees, two tenths listed."""
    listed = (flags & sn.FLAG_LISTED) != 0
    insured = np.where(insured >= 0, insured, 0).astype(np.float64)
    return (
        0.5 * _log_share(capital.astype(np.float64), CAPITAL_CAP_WAN)
        + 0.3 * _log_share(insured, INSURED_CAP)
        + 0.2 * listed
    )


def _lookup(ids: np.ndarray, keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values[keys == id] for each id, 0 where absent (keys sorted and unique)."""
    out = np.zeros(ids.shape, np.float64)
    if not len(keys):
        return out
    pos = np.minimum(np.searchsorted(keys, ids), len(keys) - 1)
    hit = keys[pos] == ids
    out[hit] = values[pos[hit]]
    return out


def ties_part(ids: np.ndarray, context: Context) -> np.ndarray:
    """1 for a supplier/customer of a local chain leader, 0.7 for an investor in a local firm."""
    leader = _isin(ids, context.leader_tie_ids)
    investor = _isin(ids, context.investor_tie_ids)
    return np.maximum(leader * 1.0, investor * 0.7)


def momentum_part(ids: np.ndarray, established: np.ndarray, context: Context) -> np.ndarray:
    """Seven tenths recent expansions (capped at 3), three tenths founded in the last 3 years."""
    counts = _lookup(ids, context.expansion_ids, context.expansion_counts)
    age = context.today - established.astype(np.int64)
    young = (established != sn.DAY_NA) & (age >= 0) & (age <= 365 * RECENT_YEARS)
    return 0.7 * np.minimum(counts / EXPANSIONS_CAP, 1.0) + 0.3 * young


def fit_part(
    snap: sn.Snapshot, rows: np.ndarray, link_id: int, home_links: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Share of each row's other links that the home region has; and how many those are."""
    starts, ends = snap.link_indptr[rows], snap.link_indptr[rows + 1]
    counts = ends - starts
    total = int(counts.sum())
    if not total:
        zero = np.zeros(len(rows))
        return zero, zero
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    links = snap.link_ids[np.repeat(starts, counts) + offsets]
    owner = np.repeat(np.arange(len(rows)), counts)
    other = links != link_id
    here = other & _isin(links, home_links)
    n_other = np.bincount(owner, weights=other, minlength=len(rows))
    n_here = np.bincount(owner, weights=here, minlength=len(rows))
    return np.divide(n_here, n_other, out=np.zeros(len(rows)), where=n_other > 0), n_here


def _status(ids: np.ndarray, context: Context) -> np.ndarray:
    status = np.where(_isin(ids, context.engaged_ids), ENGAGED, NEW)
    return np.where(_isin(ids, context.pipeline_ids), PIPELINE, status).astype(np.int8)


def top_k(score: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, best first (ties by position, so stable)."""
    if k <= 0 or not len(score):
        return np.zeros(0, np.int64)
    if k < len(score):
        part = np.argpartition(-score, k - 1)[:k]
    else:
        part = np.arange(len(score))
    return part[np.lexsort((part, -score[part]))]


def rank(
    snap: sn.Snapshot,
    link_id: int,
    context: Context,
    k: int = 50,
    weights: dict[str, float] | None = None,
    index: LinkIndex | None = None,
) -> tuple[Ranking, Ranking]:
    """The top k new targets for the link, and (apart) the top k already engaged/in pipeline.

    `index` is LinkIndex.build(snap, context.home_prefix, context.home_links), kept with the
    snapshot; without it one is built for this call.
    """
    w = check_weights(weights)
    if index is None:
        index = LinkIndex.build(snap, context.home_prefix, context.home_links)
    elif index.prefix != context.home_prefix:
        raise ValueError(f"index built for {index.prefix}, not {context.home_prefix}")
    span = index.span(link_id)
    ids = index.ids[span]
    parts = np.empty((len(ids), len(PARTS)))
    parts[:, 0] = index.conf[span]
    parts[:, 1] = index.scale[span]
    parts[:, 2] = ties_part(ids, context)
    parts[:, 3] = momentum_part(ids, index.established[span], context)
    parts[:, 4] = index.fit[span]
    score = parts @ np.array([w[p] for p in PARTS])
    status = _status(ids, context)
    new = status == NEW
    results = []
    for subset in (np.flatnonzero(new), np.flatnonzero(~new)):
        order = subset[top_k(score[subset], k)]
        chosen = parts[order]
        results.append(
            Ranking(
                rows=snap.rows_of(ids[order]),
                ids=ids[order],
                score=score[order],
                parts=chosen,
                contributions=chosen * np.array([w[p] for p in PARTS]),
                status=status[order],
                candidates=len(ids),
                weights=w,
            )
        )
    return results[0], results[1]


def _wan_text(wan: float) -> str:
    return f"{wan / 1e4:.2f}亿元" if wan >= 1e4 else f"{wan:,.0f}万元"


def reasons(
    parts: np.ndarray,
    capital: float,
    insured: int,
    listed: bool,
    confidence: float,
    expansions: int,
    fit_links: int,
    tie_names: list[str] | None = None,
    tie_kind: str = "",
) -> list[str]:
    """Sentence-long Chinese reasons for one target; parts in PARTS order (raw, 0..1)."""
    out = [f"在本环节的分类置信度为{confidence:.2f}。"]
    scale = []
    if np.isfinite(capital) and capital > 0:
        scale.append(f"注册资本{_wan_text(capital)}")
    if insured > 0:
        scale.append(f"参保{insured:,}人")
    if listed:
        scale.append("为上市企业")
    if scale:
        out.append("规模：" + "，".join(scale) + "。")
    if parts[2] > 0:
        names = "、".join((tie_names or [])[:3]) or "本地企业"
        if tie_kind == "investor":
            out.append(f"已投资本地企业{names}，有在本地布局的基础。")
        else:
            out.append(f"是本地链主{names}的上下游伙伴，可以商招商。")
    if expansions > 0:
        out.append(f"近{RECENT_YEARS}年新设子公司或分支机构{expansions}家，处于扩张期。")
    if fit_links > 0:
        out.append(f"其另有{fit_links}个业务环节本地已有企业，配套基础相近。")
    return out
