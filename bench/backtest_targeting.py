"""Backtest of the targeting ranker on a synthetic pool with planted expansions.

The generator draws two hidden factors per enterprise: z (its drive to expand) and h (an affinity
for the region nobody records: a founder from here, a customer's request). Observable columns
are noisy consequences of z (capital, insured, listed, recorded new subsidiaries — recorded for
only 70 %) and ties to local leaders depend on z and h. Which enterprises truly expand into the
region is then drawn from z, h, the enterprise's fit with the region's links, its ties and its
link confidence. The ranker sees the observable columns only, never z, h or the outcome.

For every link and each chain (links averaged), precision@50 and NDCG@50 (binary gains) of the
ranker against two baselines: largest registered capital first, and random (mean of 20 draws).
Deterministic (seed); docs/targeting.md describes the method.

    PYTHONPATH=src python bench/backtest_targeting.py
"""

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from chainvest.engine import snapshot as sn  # noqa: E402
from chainvest.engine import targeting as tg  # noqa: E402

N = int(os.environ.get("CHAINVEST_BACKTEST_N", "300000"))
CHAINS, LINKS_PER_CHAIN = 4, 10
K = 50
SEED = 7
TODAY = 20400


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def pool(n: int, rng):
    z, h = rng.normal(size=n), rng.normal(size=n)
    local = rng.random(n) < 0.03
    region = np.where(local, 652301, rng.choice([110101, 320902, 410305, 510107], n))
    # Local firms concentrate on chains 0 and 1: fit differs between chains.
    chain = np.where(local, rng.choice(2, n), rng.choice(CHAINS, n))
    counts = rng.choice([1, 2, 3], n, p=[0.5, 0.3, 0.2])
    owner = np.repeat(np.arange(n), counts)
    links = chain[owner] * LINKS_PER_CHAIN + rng.integers(1, LINKS_PER_CHAIN + 1, len(owner))
    # One link per (row, link) pair: duplicates within a row are dropped.
    key = owner * 1000 + links
    _, first = np.unique(key, return_index=True)
    first.sort()
    owner, links = owner[first], links[first]
    conf = np.clip(rng.beta(5, 2, len(owner)), 0, 1)
    capital = np.exp(5 + 0.6 * z + rng.normal(scale=1.2, size=n))
    insured = np.exp(3 + 0.5 * z + rng.normal(scale=1.0, size=n)).astype(np.int32)
    listed = (z + rng.normal(scale=0.5, size=n)) > 2.2
    columns = {
        "ids": np.arange(1, n + 1),
        "region": region,
        "industry": np.zeros(n),
        "capital": capital,
        "insured": insured,
        "established": rng.integers(7300, TODAY, n),
        "status": np.ones(n),
        "flags": np.where(listed, sn.FLAG_LISTED, 0) | np.where(local, sn.FLAG_CHAIN_LEADER, 0),
    }
    snap = sn.from_columns(columns, np.bincount(owner, minlength=n), links, conf)
    return snap, z, h, local


def plant(snap, z, h, local, rng):
    n = len(snap)
    home = tg.home_links(snap, "6523")
    fit = tg.assignment_fit(snap, home)
    owner = np.repeat(np.arange(n), np.diff(snap.link_indptr))
    best_fit = np.zeros(n)
    np.maximum.at(best_fit, owner, fit)
    tie = (rng.random(n) < sigmoid(-4 + 1.0 * z + 1.5 * h)) & ~local
    expansions = rng.poisson(0.3 * np.exp(0.8 * z))
    recorded = rng.random(n) < 0.7
    conf = np.zeros(n)
    np.maximum.at(conf, owner, snap.link_conf.astype(float))
    truth = rng.random(n) < sigmoid(-6 + 1.0 * z + 1.0 * h + 2.0 * best_fit + 1.5 * tie + conf)
    has = np.flatnonzero(recorded & (expansions > 0))
    context = tg.Context(
        home_prefix="6523",
        home_links=home,
        leader_tie_ids=snap.ids[tie],
        expansion_ids=snap.ids[has],
        expansion_counts=expansions[has],
        today=TODAY,
    )
    return context, truth & ~local


def metrics(ranked_truth: np.ndarray, positives: int) -> tuple[float, float]:
    top = ranked_truth[:K].astype(float)
    discounts = 1 / np.log2(np.arange(2, K + 2))
    dcg = float((top * discounts[: len(top)]).sum())
    ideal = float(discounts[: min(positives, K)].sum())
    return top.sum() / K, (dcg / ideal if ideal else 0.0)


def main() -> None:
    rng = np.random.default_rng(SEED)
    snap, z, h, local = pool(N, rng)
    context, truth = plant(snap, z, h, local, rng)
    index = tg.LinkIndex.build(snap, "6523", context.home_links)
    rows = {"ranker": [], "capital": [], "random": []}
    by_chain = {c: {k: [] for k in rows} for c in range(CHAINS)}
    for link in range(1, CHAINS * LINKS_PER_CHAIN + 1):
        span = index.span(link)
        ids = index.ids[span]
        cand_truth = truth[ids - 1]
        positives = int(cand_truth.sum())
        new, _ = tg.rank(snap, link, context, k=K, index=index)
        ranked = truth[new.ids - 1]
        capital_order = np.argsort(-snap.capital[ids - 1], kind="stable")
        random = [metrics(cand_truth[rng.permutation(len(ids))], positives) for _ in range(20)]
        chain = (link - 1) // LINKS_PER_CHAIN
        by_chain[chain]["ranker"].append(metrics(ranked, positives))
        by_chain[chain]["capital"].append(metrics(cand_truth[capital_order], positives))
        by_chain[chain]["random"].append(tuple(np.mean(random, axis=0)))
    for chain, results in by_chain.items():
        means = {k: np.mean(v, axis=0) for k, v in results.items()}
        print(
            f"BACKTEST chain={chain} pool={N} k={K}"
            + "".join(f" {k}_p@50={m[0]:.3f} {k}_ndcg@50={m[1]:.3f}" for k, m in means.items())
        )
    total = {k: np.mean([r for c in by_chain.values() for r in c[k]], axis=0) for k in rows}
    print(
        f"BACKTEST chain=all pool={N} k={K} base_rate={truth[~local].mean():.4f}"
        + "".join(f" {k}_p@50={m[0]:.3f} {k}_ndcg@50={m[1]:.3f}" for k, m in total.items())
    )


if __name__ == "__main__":
    main()
