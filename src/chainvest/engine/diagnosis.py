"""Chain diagnosis rules: every link strong, weak, missing or being filled, and what it calls for.

Pure Python, no Django: the caller gathers the facts (counts per link, the flow edges, the
chain leaders' links, the totals of the pool) and gets back statuses, actions, reasons and the
chain's figures. The rules are written out in docs/diagnosis.md; in short:

- missing: no local enterprise on the link;
- weak: local enterprises, but below one of the chain's thresholds (count, registered capital,
  location quotient when it can be measured);
- strong: at or above all of them;
- filling: missing or weak, and a signed project (signed or further, not terminated) targets it.

Actions: 强链 for a weak link; for a missing link 补链 when it lies between present links along
the flows (a present link upstream of it and one downstream, transitively), else 延链 (it sits
at the chain's ends as far as the region is concerned). 建链 is the chain's: little is present
(completeness below a threshold) yet the chain is close to what the region already does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

STRONG, WEAK, MISSING, FILLING = "strong", "weak", "missing", "filling"
STATUSES = (STRONG, WEAK, MISSING, FILLING)
STATUS_LABELS = {STRONG: "优势环节", WEAK: "薄弱环节", MISSING: "缺失环节", FILLING: "在补环节"}
FILL, EXTEND, STRENGTHEN, BUILD = "补链", "延链", "强链", "建链"


@dataclass(frozen=True)
class Thresholds:
    """A chain's bars; a link is strong when it clears all three (LQ only when measurable)."""

    strong_min_enterprises: int = 3
    strong_min_capital_wan: float = 10000.0  # 1 亿元
    strong_min_lq: float = 1.0  # at least the national concentration
    build_max_completeness: float = 0.2
    build_min_relatedness: float = 0.5

    def as_dict(self) -> dict[str, float]:
        return {
            "strong_min_enterprises": self.strong_min_enterprises,
            "strong_min_capital_wan": self.strong_min_capital_wan,
            "strong_min_lq": self.strong_min_lq,
            "build_max_completeness": self.build_max_completeness,
            "build_min_relatedness": self.build_min_relatedness,
        }


@dataclass(frozen=True)
class LinkFacts:
    """What is known about one link here and in the pool."""

    link_id: int
    name: str
    weight: int = 1
    local_count: int = 0
    local_capital_wan: float = 0.0
    national_count: int = 0
    pipeline_signed: int = 0
    pipeline_building: int = 0
    leader_count: int = 0

    @property
    def present(self) -> bool:
        return self.local_count > 0


@dataclass(frozen=True)
class LinkVerdict:
    link_id: int
    status: str
    action: str
    location_quotient: float | None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChainVerdict:
    completeness: float
    matching_rate: float | None
    relatedness: float | None
    action: str
    reasons: list[str]
    links: dict[int, LinkVerdict]


def yi(wan: float) -> str:
    """万元 as 亿元 with up to two decimals (0.8, 1, 12.35)."""
    return f"{wan / 10000:,.2f}".rstrip("0").rstrip(".")


def location_quotient(
    local_on_link: int, local_total: int, national_on_link: int, national_total: int
) -> float | None:
    """(local on link / local total) ÷ (national on link / national total), or None.

    None means "cannot be measured" and never stands for zero: no local enterprises at all, an
    empty pool, or nobody in the pool on the link. A link with pool enterprises elsewhere but
    none here has LQ 0.0. Counts are clamped to what a consistent pool allows (the local part of
    a link cannot exceed the link), so the result is always a finite number ≥ 0.
    """
    if local_total <= 0 or national_total <= 0 or national_on_link <= 0:
        return None
    local_on_link = max(0, min(local_on_link, local_total))
    national_share = min(national_on_link, national_total) / national_total
    return (local_on_link / local_total) / national_share


def base_status(
    facts: LinkFacts, lq: float | None, thresholds: Thresholds
) -> tuple[str, list[str]]:
    """missing / weak / strong from the local facts alone, with the reasons in numbers."""
    if not facts.present:
        return MISSING, ["本地没有企业在此环节。"]
    shortfalls = []
    if facts.local_count < thresholds.strong_min_enterprises:
        shortfalls.append(
            f"本地企业 {facts.local_count} 家，少于门槛 {thresholds.strong_min_enterprises} 家。"
        )
    if facts.local_capital_wan < thresholds.strong_min_capital_wan:
        shortfalls.append(
            f"注册资本合计 {yi(facts.local_capital_wan)} 亿元，"
            f"低于门槛 {yi(thresholds.strong_min_capital_wan)} 亿元。"
        )
    if lq is not None and lq < thresholds.strong_min_lq:
        shortfalls.append(
            f"区位商 {lq:.2f}，低于门槛 {thresholds.strong_min_lq:.2f}（本地集中度不及全国）。"
        )
    if shortfalls:
        return WEAK, shortfalls
    lq_text = f"、区位商 {lq:.2f}" if lq is not None else ""
    return STRONG, [
        f"本地企业 {facts.local_count} 家、注册资本合计 {yi(facts.local_capital_wan)} 亿元"
        f"{lq_text}，均达到强链门槛（{thresholds.strong_min_enterprises} 家、"
        f"{yi(thresholds.strong_min_capital_wan)} 亿元、区位商 {thresholds.strong_min_lq:.2f}）。"
    ]


def link_status(
    facts: LinkFacts, lq: float | None, thresholds: Thresholds
) -> tuple[str, list[str]]:
    """The link's status: the base status, turned into filling when a signed project targets it."""
    status, reasons = base_status(facts, lq, thresholds)
    if lq is None and facts.present:
        reasons.append("企业库不足以计算区位商（见 docs/diagnosis.md），区位商不参与判定。")
    pipeline = facts.pipeline_signed + facts.pipeline_building
    if status != STRONG and pipeline:
        reasons.append(
            f"有 {pipeline} 个已签约项目瞄准此环节（签约待开工 {facts.pipeline_signed} 个、"
            f"开工及以后 {facts.pipeline_building} 个），正在填补。"
        )
        status = FILLING
    if facts.leader_count:
        reasons.append(f"本地链主企业 {facts.leader_count} 家在此环节。")
    return status, reasons


def _reach(start: int, graph: Mapping[int, Iterable[int]]) -> set[int]:
    """Every node reachable from `start` along the graph's edges (start excluded)."""
    seen: set[int] = set()
    stack = list(graph.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    seen.discard(start)
    return seen


def link_action(
    link_id: int,
    present: Mapping[int, bool],
    edges: Sequence[tuple[int, int]],
    names: Mapping[int, str] | None = None,
) -> tuple[str, str]:
    """(action, reason) for a link that is not present; a present link gets ("", "").

    补链 when a present link lies upstream (it feeds this one, directly or through other links)
    and another downstream; 延链 otherwise: the gap is at the local chain's end.
    """
    if present.get(link_id):
        return "", ""
    down: dict[int, list[int]] = defaultdict(list)
    up: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        down[a].append(b)
        up[b].append(a)
    names = names or {}
    above = sorted(n for n in _reach(link_id, up) if present.get(n))
    below = sorted(n for n in _reach(link_id, down) if present.get(n))
    if above and below:
        return FILL, (
            f"上游有本地环节（{_names(above, names)}），下游有本地环节（{_names(below, names)}），"
            "此处是链中缺口：补链。"
        )
    side = "上游" if not above else "下游"
    return EXTEND, f"{side}沿供给关系没有本地环节，缺口在本地链条的端头：延链。"


def _names(ids: Sequence[int], names: Mapping[int, str]) -> str:
    return "、".join(names.get(i, str(i)) for i in ids)


def completeness(weights: Mapping[int, int], present: Mapping[int, bool]) -> float:
    """Σ weight of present links ÷ Σ weight of all links; 0.0 for a chain without links."""
    total = sum(max(w, 0) for w in weights.values())
    if total == 0:
        return 0.0
    return sum(max(w, 0) for i, w in weights.items() if present.get(i)) / total


def matching_rate(
    leader_links: Iterable[int], edges: Sequence[tuple[int, int]], present: Mapping[int, bool]
) -> float | None:
    """本地配套率: share of the links feeding the chain leaders' links that are present here.

    The inputs are the direct suppliers (one step up the flows) of every link a chain leader sits
    on, counted once each. None when there is no leader on the chain or its links have no inputs.
    """
    leader_links = set(leader_links)
    inputs = {a for a, b in edges if b in leader_links}
    if not inputs:
        return None
    return sum(1 for link in inputs if present.get(link)) / len(inputs)


def relatedness(
    link_weights: Mapping[int, int],
    link_divisions: Mapping[int, Iterable[str]],
    local_divisions: Iterable[str],
) -> float | None:
    """How close the chain is to what the region does: the weighted share of its links whose
    GB/T 4754 divisions (大类, two digits) the region's enterprises already work in.

    None when no link of the chain carries an industry class (nothing to compare)."""
    local = set(local_divisions)
    classed = {i: set(d) for i, d in link_divisions.items() if d and i in link_weights}
    total = sum(link_weights[i] for i in classed)
    if total == 0:
        return None
    return sum(link_weights[i] for i, d in classed.items() if d & local) / total


def chain_action(
    share: float, related: float | None, thresholds: Thresholds
) -> tuple[str, list[str]]:
    """建链 when little of the chain is here (completeness below the bar) but it is related."""
    if share >= thresholds.build_max_completeness:
        return "", []
    if related is None or related < thresholds.build_min_relatedness:
        shown = "无法计算" if related is None else f"{related:.0%}"
        return "", [
            f"完整度 {share:.0%} 偏低，但与本地已有产业的关联度 {shown} 不足 "
            f"{thresholds.build_min_relatedness:.0%}，暂不建议建链。"
        ]
    return BUILD, [
        f"完整度 {share:.0%}，低于 {thresholds.build_max_completeness:.0%}；与本地已有产业的"
        f"关联度 {related:.0%}，达到 {thresholds.build_min_relatedness:.0%}：建链。"
    ]


def diagnose(
    links: Sequence[LinkFacts],
    edges: Sequence[tuple[int, int]],
    totals: tuple[int, int],
    thresholds: Thresholds,
    leader_links: Iterable[int] = (),
    link_divisions: Mapping[int, Iterable[str]] | None = None,
    local_divisions: Iterable[str] = (),
) -> ChainVerdict:
    """The whole chain: every link's verdict and the chain's figures.

    `totals` is (local enterprises, national enterprises) in the pool; `edges` are (supplier,
    consumer) link ids; edges touching links not in `links` are ignored.
    """
    ids = {f.link_id for f in links}
    edges = [(a, b) for a, b in edges if a in ids and b in ids]
    present = {f.link_id: f.present for f in links}
    names = {f.link_id: f.name for f in links}
    verdicts = {}
    for facts in links:
        lq = location_quotient(facts.local_count, totals[0], facts.national_count, totals[1])
        status, reasons = link_status(facts, lq, thresholds)
        action, why = link_action(facts.link_id, present, edges, names)
        if facts.present and status in (WEAK, FILLING):
            action, why = STRENGTHEN, "本地已有企业但未达强链门槛：强链。"
        verdicts[facts.link_id] = LinkVerdict(
            facts.link_id, status, action, lq, reasons + ([why] if why else [])
        )
    weights = {f.link_id: f.weight for f in links}
    share = completeness(weights, present)
    related = relatedness(weights, link_divisions or {}, local_divisions)
    action, reasons = chain_action(share, related, thresholds)
    rate = matching_rate(leader_links, edges, present)
    return ChainVerdict(share, rate, related, action, reasons, verdicts)
