"""Targeting speed: the top 50 new targets for one link over a synthetic pool.

Ours: engine.targeting.rank on a columnar snapshot of N enterprises (CHAINVEST_BENCH_TARGETS_N,
default 10,000,000, the issue's target) built directly as NumPy arrays (deterministic seed);
warm = the median of 21 runs after one untimed run (the machine is shared: medians).

Baseline: the same ranking as one SQL query in SQLite: a table with one row per (enterprise,
link) assignment and every input column the engine uses, the ties, expansions and fit shares
precomputed as columns (so the database does *less* work than the engine, which derives the
fit from the assignments), an index on link_id, `ORDER BY <weighted score> DESC LIMIT 50`.
The ratio is measured on the same pool size (CHAINVEST_BENCH_TARGETS_SQL_N, default N; loading
10 M rows into SQLite takes several minutes on these shared machines, so a smaller value gives a
quicker run) with ours timed again on exactly that pool; the line says which size. The two
rankings are checked to agree.
"""

import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from chainvest.engine import snapshot as sn  # noqa: E402
from chainvest.engine import targeting as tg  # noqa: E402

N = int(os.environ.get("CHAINVEST_BENCH_TARGETS_N", "10000000"))
SQL_N = int(os.environ.get("CHAINVEST_BENCH_TARGETS_SQL_N", str(N)))
LINKS = 282
LINK = 17
SEED = 2026
TODAY = 20400


def synthetic(n: int):
    rng = np.random.default_rng(SEED)
    counts = rng.choice(np.array([0, 1, 2, 3], np.int8), size=n, p=[0.4, 0.2, 0.2, 0.2])
    nnz = int(counts.sum(dtype=np.int64))
    columns = {
        "ids": np.arange(1, n + 1, dtype=np.int64),
        "region": rng.integers(110101, 659010, n, dtype=np.int32),
        "industry": rng.integers(111, 9900, n, dtype=np.int16),
        "capital": rng.lognormal(5.3, 1.6, n).astype(np.float32),
        "insured": rng.integers(-1, 500, n, dtype=np.int32),
        "established": rng.integers(7300, TODAY, n, dtype=np.int32),
        # Mostly live (存续/在业), a tenth closed; a few archived, merged, listed.
        "status": rng.choice(np.array([1, 2, 7, 8], np.int8), n, p=[0.6, 0.3, 0.05, 0.05]),
        "flags": rng.choice(
            np.array([0, sn.FLAG_ARCHIVED, sn.FLAG_MERGED, sn.FLAG_LISTED], np.uint8),
            n,
            p=[0.93, 0.04, 0.01, 0.02],
        ),
    }
    link_ids = rng.integers(1, LINKS + 1, nnz, dtype=np.int32)
    conf = (rng.integers(0, 101, nnz) / 100).astype(np.float16)
    snap = sn.from_columns(columns, counts, link_ids, conf, check=False)
    pick = lambda share: np.sort(rng.choice(n, int(n * share), replace=False) + 1)  # noqa: E731
    exp_ids = pick(0.001)
    context = tg.Context(
        home_prefix="6523",
        home_links=np.arange(1, LINKS + 1, 4),
        leader_tie_ids=pick(0.0002),
        investor_tie_ids=pick(0.0002),
        expansion_ids=exp_ids,
        expansion_counts=rng.integers(1, 6, len(exp_ids)),
        engaged_ids=pick(0.0001),
        pipeline_ids=pick(0.0001),
        today=TODAY,
    )
    return snap, context


def warm_ms(snap, context, runs=21):
    # Built once with the snapshot, like the SQL table's index and precomputed columns.
    t = time.perf_counter()
    index = tg.LinkIndex.build(snap, context.home_prefix, context.home_links)
    print(f"# index built in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    tg.rank(snap, LINK, context, index=index)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        new, _ = tg.rank(snap, LINK, context, index=index)
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times), new


SQL_SCORE = """
 {link} * min(max(conf, 0), 1)
 + {scale} * (0.5 * min(ln(1 + max(coalesce(capital, 0), 0)) / ln(1 + {cap}), 1)
   + 0.3 * min(ln(1 + max(insured, 0)) / ln(1 + {ins}), 1) + 0.2 * ((flags & 8) != 0))
 + {ties} * max(leader_tie, 0.7 * investor_tie)
 + {momentum} * (0.7 * min(expansions / 3.0, 1)
   + 0.3 * (established != {na} AND {today} - established BETWEEN 0 AND {young}))
 + {fit} * fit
"""


def sql_table(snap, context):
    """One row per assignment with every input; fit precomputed per row by the engine."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE pool (id INTEGER, link_id INTEGER, conf REAL, region INTEGER,"
        " capital REAL, insured INTEGER, established INTEGER, status INTEGER, flags INTEGER,"
        " leader_tie INTEGER, investor_tie INTEGER, expansions INTEGER, fit REAL, engaged INTEGER)"
    )
    owner = np.repeat(np.arange(len(snap)), np.diff(snap.link_indptr))
    ids = snap.ids[owner]
    fit = tg.assignment_fit(snap, context.home_links).astype(np.float32).astype(np.float64)
    exp = np.zeros(len(snap) + 1, np.int64)
    exp[context.expansion_ids] = context.expansion_counts
    engaged = np.isin(ids, context.engaged_ids) | np.isin(ids, context.pipeline_ids)
    cap = snap.capital[owner].astype(np.float64)
    columns = [
        ids.tolist(),
        snap.link_ids.tolist(),
        snap.link_conf.astype(np.float32).astype(np.float64).tolist(),
        snap.region[owner].tolist(),
        np.where(np.isfinite(cap), cap, 0).tolist(),
        snap.insured[owner].tolist(),
        snap.established[owner].tolist(),
        snap.status[owner].tolist(),
        snap.flags[owner].tolist(),
        np.isin(ids, context.leader_tie_ids).astype(int).tolist(),
        np.isin(ids, context.investor_tie_ids).astype(int).tolist(),
        exp[ids].tolist(),
        fit.tolist(),
        engaged.astype(int).tolist(),
    ]
    db.executemany(
        "INSERT INTO pool VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", zip(*columns, strict=True)
    )
    db.execute("CREATE INDEX pool_link ON pool(link_id)")
    db.commit()
    return db


def sql_query(context) -> str:
    w = tg.check_weights(None)
    lo, hi = tg.region_range(context.home_prefix)
    score = SQL_SCORE.format(
        cap=tg.CAPITAL_CAP_WAN,
        ins=tg.INSURED_CAP,
        na=sn.DAY_NA,
        today=context.today,
        young=365 * tg.RECENT_YEARS,
        **w,
    )
    return (
        f"SELECT id, {score} AS score FROM pool WHERE link_id = ? AND (region < {lo} OR"
        f" region >= {hi}) AND (flags & 3) = 0 AND status NOT IN (7, 8, 9) AND engaged = 0"
        " ORDER BY score DESC, id LIMIT 50"
    )


def sql_ms(db, context, runs=7):
    query = sql_query(context)
    db.execute(query, (LINK,)).fetchall()
    times, rows = [], []
    for _ in range(runs):
        t = time.perf_counter()
        rows = db.execute(query, (LINK,)).fetchall()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times), rows


def main() -> None:
    snap, context = synthetic(N)
    ours, new = warm_ms(snap, context)
    print(
        f"BENCH name=targets_top50_{N} value={ours:.1f} unit=ms baseline=none(goal<50ms)"
        f" ratio=n/a candidates={new.candidates}"
    )
    del snap
    small, context = synthetic(SQL_N)
    ours_small, new = warm_ms(small, context)
    db = sql_table(small, context)
    theirs, rows = sql_ms(db, context)
    same = [r[0] for r in rows] == new.ids.tolist()
    print(
        f"BENCH name=targets value={ours_small:.2f} unit=ms baseline=sqlite_order_by_limit50"
        f"({theirs:.1f}ms) ratio={theirs / ours_small:.1f} pool={SQL_N} same_top50={same}"
    )


if __name__ == "__main__":
    main()
