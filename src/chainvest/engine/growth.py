"""Where to grow (建链/延链/扩群): rank the links a region does not yet have.

From the region × link matrix of the pool (enterprise counts per prefecture and link) the
relatedness engine gives RCA, presence, density (how close a link is to what the region already
does) and PCI (how complex, hence valuable, the link is). Each absent link gets four parts in
[0, 1]:

- fit:    relatedness density of the link for the region, divided by the largest density
          among the region's absent links (so the closest opportunity scores 1)
- value:  PCI as a percentile among the active links
- weight: the chain's strategic weight of the link (1..5) divided by 5
- buyer:  1 when the link feeds a link on which a local chain leader sits (it would buy here)

score = Σ weight_k × part_k with the weights summing to 100. Pure NumPy: no Django here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainvest.engine import relatedness as rel

PARTS = ("fit", "value", "weight", "buyer")
DEFAULT_WEIGHTS = {"fit": 40.0, "value": 25.0, "weight": 15.0, "buyer": 20.0}
PART_LABELS = {"fit": "关联密度", "value": "复杂度", "weight": "战略权重", "buyer": "链主需求"}
MAX_LINK_WEIGHT = 5


@dataclass
class Growth:
    """Per link (columns of the matrix): the numbers behind the chart, and the ranking."""

    rca: np.ndarray
    present: np.ndarray  # bool: RCA ≥ 1 in the region
    local_count: np.ndarray
    density: np.ndarray
    pci: np.ndarray
    parts: np.ndarray  # links × 4, in PARTS order
    score: np.ndarray  # Σ weight × part; 0 for present links
    order: np.ndarray  # absent links, best first
    weights: dict[str, float]


def check_weights(weights: dict[str, float] | None) -> dict[str, float]:
    merged = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in DEFAULT_WEIGHTS or not np.isfinite(value) or value < 0:
            raise ValueError(f"growth weight {name}={value!r}: known are {', '.join(PARTS)}, ≥ 0")
        merged[name] = float(value)
    total = sum(merged.values())
    if total <= 0:
        raise ValueError("at least one growth weight must be positive")
    return {k: 100.0 * merged[k] / total for k in PARTS}


def _percentile(values: np.ndarray, active: np.ndarray) -> np.ndarray:
    out = np.zeros(values.shape)
    n = int(active.sum())
    if n > 1:
        ranks = np.argsort(np.argsort(values[active], kind="stable"), kind="stable")
        out[active] = ranks / (n - 1)
    elif n == 1:
        out[active] = 1.0
    return out


def grow(
    matrix: rel.MatrixLike,
    home: int,
    link_weight: np.ndarray,
    feeds_leader: np.ndarray,
    weights: dict[str, float] | None = None,
) -> Growth:
    """Rank the links absent from region row `home` of a region × link count matrix."""
    w = check_weights(weights)
    result = rel.complexity(matrix, convention="stata")
    counts = np.asarray(rel.as_dense(matrix))[home]
    present = result.mcp[home] > 0
    density = result.density[home]
    absent = ~present
    top = density[absent].max(initial=0.0)
    parts = np.zeros((len(density), len(PARTS)))
    parts[:, 0] = density / top if top > 0 else 0.0
    parts[:, 1] = _percentile(result.pci, result.active_activities)
    parts[:, 2] = np.clip(np.asarray(link_weight, float) / MAX_LINK_WEIGHT, 0, 1)
    parts[:, 3] = np.asarray(feeds_leader, bool)
    score = np.where(absent, parts @ np.array([w[p] for p in PARTS]), 0.0)
    candidates = np.flatnonzero(absent)
    order = candidates[np.lexsort((candidates, -score[candidates]))]
    return Growth(
        rca=result.rca[home],
        present=present,
        local_count=counts,
        density=density,
        pci=result.pci,
        parts=parts,
        score=score,
        order=order,
        weights=w,
    )
