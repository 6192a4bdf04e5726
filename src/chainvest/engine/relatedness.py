"""Relatedness and economic complexity of a region × activity matrix.

From a matrix of enterprise counts or registered capital (regions in rows, chain links or
industry classes in columns; dense or scipy.sparse) this computes Balassa's RCA, presence
(Mcp), diversity and ubiquity, proximity between activities, relatedness density, ECI/PCI,
complexity outlook (COI) and outlook gain (COG). docs/relatedness.md gives the formulas.

Two conventions (`convention=`):
- "stata": the Stata `ecomplexity` command of Harvard's Growth Lab. Proximity's diagonal is
  zero (an activity does not count as related to itself in density or COG); ECI, PCI, COI and
  COG are standardised with the sample standard deviation over the region × activity rows.
- "ecomplexity": the PyPI package ecomplexity 0.5.3. The diagonal stays (1 for co-occurrence),
  and the standard deviation is the population one over regions.

Empty rows and columns never produce NaN: an activity no region has (ubiquity 0) and a region
with no activity present (diversity 0) are left out of the eigenvector and of the means and
standard deviations, get ECI/PCI 0 and count for nothing in other rows' results; `active_*`
marks them. Every division by a zero total gives 0.

Pure NumPy/SciPy: no Django here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, eigsh

from chainvest.engine.snapshot import FLAG_ARCHIVED, FLAG_MERGED, Snapshot

Convention = Literal["stata", "ecomplexity"]
MatrixLike = np.ndarray | sp.spmatrix | sp.sparray
CONVENTIONS = ("stata", "ecomplexity")
# Up to this many active activities the eigenproblem is solved densely; beyond, ARPACK finds
# only the two leading eigenvectors, which is what makes large matrices fast.
DENSE_EIGEN_MAX = 200
EIGEN_SEED = 20240601


@dataclass(frozen=True)
class Complexity:
    """Results for R regions and A activities, all float64 (masks bool)."""

    rca: np.ndarray  # R × A
    mcp: np.ndarray  # R × A, 0/1 (or the given presence)
    diversity: np.ndarray  # R
    ubiquity: np.ndarray  # A
    proximity: np.ndarray  # A × A, with the convention's diagonal
    density: np.ndarray  # R × A
    eci: np.ndarray  # R
    pci: np.ndarray  # A
    coi: np.ndarray  # R
    cog: np.ndarray  # R × A
    active_regions: np.ndarray  # R, diversity > 0
    active_activities: np.ndarray  # A, ubiquity > 0
    convention: str


def _safe_inverse(x: np.ndarray) -> np.ndarray:
    """1/x, and 0 where x is 0: a zero total contributes nothing instead of NaN."""
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    np.divide(1.0, x, out=out, where=x != 0)
    return out


def as_dense(values: MatrixLike, name: str = "values") -> np.ndarray:
    """`values` as a float64 2-D array; rejects what RCA cannot take, naming the argument.

    Sparse input is expanded: at the sizes of a prefecture's regions × links or industry classes
    (a few thousand × a few hundred) dense BLAS products are faster than sparse ones.
    """
    array = values.toarray() if sp.issparse(values) else values
    array = np.asarray(array, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D region × activity matrix, got {array.ndim}-D")
    # Two reductions instead of elementwise masks: NaN fails `>= 0`, +inf fails isfinite.
    if array.size and not (array.min() >= 0 and np.isfinite(array.max())):
        raise ValueError(f"{name} must be finite and not negative (found NaN, inf or < 0)")
    return array


def rca(values: MatrixLike) -> np.ndarray:
    """Balassa's RCA, (x_ra / x_r) / (x_a / x); 0 in an empty row or column."""
    x = as_dense(values)
    region_total = x.sum(axis=1)
    activity_total = x.sum(axis=0)
    share = activity_total / max(activity_total.sum(), np.finfo(np.float64).tiny)
    # An empty row or column is all zeros: dividing it by 1 instead of 0 leaves zeros. The
    # others keep the reference implementations' order of operations, so thresholds agree.
    region_total[region_total == 0] = 1.0
    share[share == 0] = 1.0
    out = x / region_total[:, np.newaxis]
    out /= share[np.newaxis, :]
    return out


def presence(rca_values: np.ndarray, threshold: float = 1.0) -> np.ndarray:
    """Mcp = 1 where RCA ≥ threshold; threshold > 0 (0 would make every zero present)."""
    if not threshold > 0:
        raise ValueError(f"threshold must be positive, got {threshold!r}")
    return (rca_values >= threshold).astype(np.float64)


def cooccurrence_proximity(mcp: np.ndarray, asymmetric: bool = False) -> np.ndarray:
    """phi[p, q] from the regions having both p and q (mcp dense 0/1).

    Symmetric: min(P(p | q), P(q | p)). Asymmetric: P(q | p), both over regions' presence.
    """
    both = _cooccurrence(mcp)
    ubiquity = np.diag(both).copy()
    given_q = both * _safe_inverse(ubiquity)[np.newaxis, :]  # [p, q] = N(p, q) / N(q)
    return given_q.T.copy() if asymmetric else np.minimum(given_q, given_q.T)


def _cooccurrence(mcp: np.ndarray) -> np.ndarray:
    """MᵀM by dense BLAS (several times faster than sparse at 20 % fill). The counts are
    integers below 2^24, which float32 holds exactly, so the twice-as-fast single precision
    product is exact too."""
    if mcp.shape[0] >= 2**24:
        return mcp.T @ mcp
    single = mcp.astype(np.float32)
    return (single.T @ single).astype(np.float64)


def correlation_proximity(rca_values: np.ndarray) -> np.ndarray:
    """phi = (1 + Pearson correlation of two activities' RCA across non-empty regions) / 2.

    An activity whose RCA does not vary (e.g. nobody has it) has no correlation: phi 0.
    """
    values = rca_values[rca_values.any(axis=1)]
    if values.shape[0] < 2:
        return np.zeros((rca_values.shape[1], rca_values.shape[1]))
    centred = values - values.mean(axis=0)
    spread = np.sqrt(np.einsum("ij,ij->j", centred, centred))
    scale = _safe_inverse(spread)
    phi = (1.0 + (centred.T @ centred) * scale[:, np.newaxis] * scale[np.newaxis, :]) / 2.0
    constant = spread == 0
    phi[constant, :] = 0.0
    phi[:, constant] = 0.0
    return phi


def proximity(
    mcp: np.ndarray,
    rca_values: np.ndarray | None = None,
    *,
    continuous: bool = False,
    asymmetric: bool = False,
    convention: Convention = "stata",
) -> np.ndarray:
    """The A × A proximity the convention uses for density and COG."""
    if continuous:
        if rca_values is None:
            raise ValueError("continuous proximity needs rca_values")
        phi = correlation_proximity(rca_values)
    else:
        phi = cooccurrence_proximity(mcp, asymmetric)
    if convention == "stata":
        np.fill_diagonal(phi, 0.0)
    return phi


def density_weights(phi: np.ndarray) -> np.ndarray:
    """W[q, p] = phi[p, q] / sum_j phi[p, j], so that density = x @ W."""
    return phi.T * _safe_inverse(phi.sum(axis=1))[np.newaxis, :]


def density(x: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """d[r, p] = sum_q x[r, q] phi[p, q] / sum_q phi[p, q]; 0 for an activity related to none."""
    return x @ density_weights(phi)


def gain_weights(phi: np.ndarray, kp: np.ndarray) -> np.ndarray:
    """G[q, p] = phi[q, p] kp[q] / sum_j phi[q, j], so that COG's sum is (1 - M) @ G."""
    return phi * (kp * _safe_inverse(phi.sum(axis=1)))[:, np.newaxis]


def _second_eigenvector(mcp: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Eigenvector of AᵀA for its second largest eigenvalue, A = diag(left) M diag(right).

    Small problems go to LAPACK; large ones to ARPACK on x -> Aᵀ(Ax), applying the diagonal
    scalings to vectors so that A is never formed.
    """
    n = mcp.shape[1]
    if n <= DENSE_EIGEN_MAX:
        scaled = mcp * left[:, np.newaxis] * right[np.newaxis, :]
        return np.linalg.eigh(scaled.T @ scaled)[1][:, -2]

    def product(x: np.ndarray) -> np.ndarray:
        return right * (mcp.T @ (left * left * (mcp @ (right * x))))

    operator = LinearOperator((n, n), matvec=product, dtype=np.float64)
    start = np.random.default_rng(EIGEN_SEED).uniform(0.5, 1.5, n)
    values, vectors = eigsh(operator, k=2, which="LA", v0=start)
    return vectors[:, np.argsort(values)[0]]


def raw_eci_pci(
    mcp: np.ndarray, diversity: np.ndarray, ubiquity: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Unstandardised (kc, kp) over active regions/activities; 0 elsewhere.

    kp is the unit-norm eigenvector of M̃pp = D_p⁻¹ Mᵀ D_c⁻¹ M for its second largest eigenvalue,
    found through the symmetric matrix D_p^½ M̃pp D_p^-½ = AᵀA with A = D_c^-½ M D_p^-½;
    kc = D_c⁻¹ M kp. The sign makes kc correlate positively with diversity.
    """
    rows, cols = diversity > 0, ubiquity > 0
    kc, kp = np.zeros(len(diversity)), np.zeros(len(ubiquity))
    if rows.sum() < 2 or cols.sum() < 2:
        return kc, kp
    inner = mcp if rows.all() and cols.all() else mcp[np.ix_(rows, cols)]
    half_p = np.sqrt(1.0 / ubiquity[cols])
    vector = _second_eigenvector(inner, np.sqrt(1.0 / diversity[rows]), half_p) * half_p
    vector /= np.linalg.norm(vector)
    region_k = (inner @ vector) / diversity[rows]
    # Equal diversities leave nothing to correlate with (corrcoef would divide by zero).
    varied = region_k.std() and diversity[rows].std()
    sign = np.sign(np.corrcoef(diversity[rows], region_k)[0, 1]) if varied else 1.0
    sign = 1.0 if not sign or np.isnan(sign) else sign  # no direction to prefer
    kc[rows], kp[cols] = sign * region_k, sign * vector
    return kc, kp


def mean_and_std(x: np.ndarray, n_activities: int, convention: Convention) -> tuple[float, float]:
    """Standardising constants over the active regions' values.

    Stata takes them over the long region × activity rows: the same mean, and the sample
    standard deviation of each value repeated n_activities times.
    """
    mean = float(x.mean()) if len(x) else 0.0
    squares = float(np.sum((x - mean) ** 2))
    if convention == "ecomplexity":
        return mean, float(np.sqrt(squares / len(x))) if len(x) else 0.0
    rows = len(x) * n_activities
    return mean, float(np.sqrt(squares * n_activities / (rows - 1))) if rows > 1 else 0.0


def _standardised(
    raw: dict[str, np.ndarray], active: tuple[np.ndarray, np.ndarray], convention: Convention
) -> dict[str, np.ndarray]:
    """ECI, PCI (both on ECI's scale), COI (own scale) and COG (ECI's scale)."""
    rows, cols = active
    n = int(cols.sum())
    mean, std = mean_and_std(raw["kc"][rows], n, convention)
    coi_mean, coi_std = mean_and_std(raw["coi"][rows], n, convention)
    inverse = _safe_inverse(std)
    return {
        "eci": np.where(rows, (raw["kc"] - mean) * inverse, 0.0),
        "pci": np.where(cols, (raw["kp"] - mean) * inverse, 0.0),
        "coi": (raw["coi"] - coi_mean) * _safe_inverse(coi_std),
        "cog": raw["cog"] * inverse,
    }


def _presence(rca_values: np.ndarray, threshold: float, mcp: MatrixLike | None) -> np.ndarray:
    if mcp is None:
        return presence(rca_values, threshold)
    given = as_dense(mcp, "mcp")
    if given.shape != rca_values.shape:
        raise ValueError(f"mcp has shape {given.shape}, values {rca_values.shape}")
    if not np.isin(given, (0.0, 1.0)).all():
        raise ValueError("mcp must contain only 0 and 1")
    return given


def _density_and_outlook(x, mcp: np.ndarray, phi: np.ndarray, kp: np.ndarray):
    """Density, raw COI and raw COG from the unstandardised kp (0 for inactive activities).

    coi[r] = sum_p d[r, p] (1 - M[r, p]) kp[p]
    cog[r, p] = (1 - M[r, p]) sum_q (1 - M[r, q]) phi[q, p] kp[q] / sum_j phi[q, j]
    """
    dens = density(x, phi)
    coi = dens @ kp - np.einsum("ij,ij,j->i", dens, mcp, kp)
    gain = gain_weights(phi, kp)
    # (1 - M) @ gain as column sums minus M @ gain: no dense 1 - M, one product.
    cog = mcp @ gain
    np.subtract(gain.sum(axis=0)[np.newaxis, :], cog, out=cog)
    np.copyto(cog, 0.0, where=mcp != 0)
    return dens, coi, cog


def complexity(
    values: MatrixLike,
    *,
    convention: Convention = "stata",
    threshold: float = 1.0,
    continuous: bool = False,
    asymmetric: bool = False,
    mcp: MatrixLike | None = None,
) -> Complexity:
    """Everything for one region × activity matrix.

    threshold: RCA at or above which an activity is present. continuous: proximity from the
    correlation of RCA, and density weighs RCA instead of presence. asymmetric: proximity
    P(q | p). mcp: a given 0/1 presence matrix (then threshold is unused; RCA is still
    computed from values).
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    rca_values = rca(values)
    present = _presence(rca_values, threshold, mcp)
    diversity, ubiquity = present.sum(axis=1), present.sum(axis=0)
    phi = proximity(
        present, rca_values, continuous=continuous, asymmetric=asymmetric, convention=convention
    )
    kc, kp = raw_eci_pci(present, diversity, ubiquity)
    dens, coi, cog = _density_and_outlook(rca_values if continuous else present, present, phi, kp)
    active = (diversity > 0, ubiquity > 0)
    scaled = _standardised({"kc": kc, "kp": kp, "coi": coi, "cog": cog}, active, convention)
    return Complexity(
        rca=rca_values,
        mcp=present,
        diversity=diversity,
        ubiquity=ubiquity,
        proximity=phi,
        density=dens,
        active_regions=active[0],
        active_activities=active[1],
        convention=convention,
        **scaled,
    )


def matrix_from_pool(
    region_idx: np.ndarray,
    activity_idx: np.ndarray,
    weights: np.ndarray | None = None,
    shape: tuple[int, int] | None = None,
) -> sp.csr_array:
    """Region × activity CSR matrix summing `weights` (1 each when None: counts) per pair.

    The indices are positions (0-based) as the columnar snapshot stores them; `shape` defaults
    to one past the largest index of each.
    """
    region_idx = np.asarray(region_idx, dtype=np.int64)
    activity_idx = np.asarray(activity_idx, dtype=np.int64)
    if region_idx.shape != activity_idx.shape or region_idx.ndim != 1:
        raise ValueError("region_idx and activity_idx must be 1-D arrays of the same length")
    w = np.ones(len(region_idx)) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != region_idx.shape:
        raise ValueError(f"weights has {w.shape[0]} entries, the indices {region_idx.shape[0]}")
    if len(region_idx) and (region_idx.min() < 0 or activity_idx.min() < 0):
        raise ValueError("region_idx and activity_idx must not be negative")
    if shape is None:
        shape = (int(region_idx.max(initial=-1)) + 1, int(activity_idx.max(initial=-1)) + 1)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and not negative")
    return sp.coo_array((w, (region_idx, activity_idx)), shape=shape).tocsr()


@dataclass(frozen=True)
class PoolMatrix:
    """A region × activity matrix with the keys of its rows and columns."""

    values: sp.csr_array
    regions: np.ndarray  # GB/T 2260 codes as the snapshot stores them
    activities: np.ndarray  # link ids, or GB/T 4754 class numbers


def keyed_matrix(
    region_keys: np.ndarray,
    activity_keys: np.ndarray,
    weights: np.ndarray | None = None,
    regions: np.ndarray | None = None,
    activities: np.ndarray | None = None,
) -> PoolMatrix:
    """matrix_from_pool over keys: the given axes (pairs outside them dropped) or, by default,
    the sorted distinct keys. Passing the axes keeps regions or activities that have nothing."""
    weights = np.ones(len(region_keys)) if weights is None else np.asarray(weights, np.float64)
    regions = np.unique(region_keys) if regions is None else np.asarray(regions)
    activities = np.unique(activity_keys) if activities is None else np.asarray(activities)
    r, r_ok = _positions(regions, region_keys)
    a, a_ok = _positions(activities, activity_keys)
    keep = r_ok & a_ok
    shape = (len(regions), len(activities))
    return PoolMatrix(matrix_from_pool(r[keep], a[keep], weights[keep], shape), regions, activities)


def _positions(axis: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of each key on a sorted axis, and whether it is there at all."""
    if not len(axis):
        return np.zeros(len(keys), np.int64), np.zeros(len(keys), bool)
    if np.any(axis[1:] <= axis[:-1]):
        raise ValueError("axis keys must be sorted and distinct")
    pos = np.minimum(np.searchsorted(axis, keys), len(axis) - 1)
    return pos, axis[pos] == keys


def pool_pairs(
    snap: Snapshot,
    by: Literal["link", "industry"] = "link",
    weight: str = "count",
    min_confidence: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(region, activity, weight) per enterprise, or per enterprise × link for by="link".

    weight "count" (1 each) or "capital" (registered capital in 万元, unknown as 0). Left out:
    archived and merged records, those without a region or an activity, and link assignments
    below min_confidence.
    """
    if weight not in ("count", "capital"):
        raise ValueError(f"weight must be 'count' or 'capital', got {weight!r}")
    if by not in ("link", "industry"):
        raise ValueError(f"by must be 'link' or 'industry', got {by!r}")
    per_row = np.ones(len(snap)) if weight == "count" else np.nan_to_num(snap.capital, nan=0.0)
    if by == "link":
        rows = np.repeat(np.arange(len(snap)), np.diff(snap.link_indptr))
        activity = snap.link_ids.astype(np.int64)
        sure = snap.link_conf >= min_confidence
    else:
        rows, activity = np.arange(len(snap)), snap.industry.astype(np.int64)
        sure = np.ones(len(rows), bool)
    live = (snap.flags[rows] & (FLAG_ARCHIVED | FLAG_MERGED)) == 0
    keep = live & sure & (snap.region[rows] != 0) & (activity != 0)
    region = snap.region[rows].astype(np.int64)
    return region[keep], activity[keep], per_row[rows][keep].astype(np.float64)


def pool_matrix(
    snap: Snapshot,
    by: Literal["link", "industry"] = "link",
    weight: str = "count",
    regions: np.ndarray | None = None,
    activities: np.ndarray | None = None,
    min_confidence: float = 0.0,
) -> PoolMatrix:
    """The region × link (or × industry class) matrix of the pool snapshot."""
    pairs = pool_pairs(snap, by, weight, min_confidence)
    return keyed_matrix(*pairs, regions=regions, activities=activities)
