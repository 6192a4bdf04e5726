"""Pool snapshot memory: peak memory of a columnar snapshot of N enterprises, against tuples.

Ours: a child process builds the snapshot of N synthetic enterprises (CHAINVEST_BENCH_SNAPSHOT_N,
default 10,000,000, the issue's target) directly as NumPy arrays (no database), saves it under a
temporary folder, opens it again memory-mapped and reads every column once; its peak resident
memory (ru_maxrss) is the figure. Baseline: another child holds a sample of the same pool as the
rows a Python program would get from the database (a tuple per enterprise with Decimal, date and
str values, and a list of (link, confidence) tuples), measured with tracemalloc and extrapolated
to N. Both children import NumPy; the interpreter's own footprint is in both figures.
"""

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

N = int(os.environ.get("CHAINVEST_BENCH_SNAPSHOT_N", "10000000"))
SAMPLE = 200_000
LINKS = 282
SEED = 2026


def synthetic_columns(n: int, rng):
    """The pool's columns in their final dtypes; about 1.2 link assignments per enterprise."""
    import numpy as np

    from chainvest.engine import snapshot as sn

    counts = rng.choice(np.array([0, 1, 2, 3], np.int8), size=n, p=[0.4, 0.2, 0.2, 0.2])
    nnz = int(counts.sum(dtype=np.int64))
    columns = {
        "ids": np.arange(1, n + 1, dtype=np.int64),
        "region": rng.integers(110101, 659010, n, dtype=np.int32),
        "industry": rng.integers(111, 9900, n, dtype=np.int16),
        "capital": rng.lognormal(5.3, 1.6, n).astype(np.float32),
        "insured": rng.integers(-1, 500, n, dtype=np.int32),
        "established": rng.integers(7300, 20088, n, dtype=np.int32),
        "status": rng.integers(1, 9, n, dtype=np.int8),
        "flags": rng.integers(0, 32, n, dtype=np.uint8),
    }
    link_ids = rng.integers(1, LINKS + 1, nnz, dtype=np.int32)
    conf = rng.random(nnz, dtype=np.float32).astype(np.float16)
    return sn.from_columns(columns, counts, link_ids, conf, {"synthetic": True})


def child_ours() -> dict:
    import numpy as np

    from chainvest.engine import snapshot as sn

    start = time.perf_counter()
    snap = synthetic_columns(N, np.random.default_rng(SEED))
    built = time.perf_counter() - start
    folder = Path(tempfile.mkdtemp(prefix="chainvest-bench-snapshot-")) / "snapshot"
    sn.save(snap, folder)
    in_memory = snap.nbytes
    del snap
    loaded = sn.load(folder)
    checksum = sum(float(np.asarray(getattr(loaded, name)).sum()) for name in sn.COLUMNS)
    disk = sn.disk_bytes(folder)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for item in folder.iterdir():
        item.unlink()
    folder.rmdir()
    return {
        "peak_mb": peak_kb / 1024,
        "arrays_mb": in_memory / 2**20,
        "disk_mb": disk / 2**20,
        "build_s": built,
        "checksum": checksum,
    }


def child_baseline() -> dict:
    import numpy as np

    rng = np.random.default_rng(SEED)
    regions = rng.integers(110101, 659010, SAMPLE)
    counts = rng.choice([0, 1, 2, 3], size=SAMPLE, p=[0.4, 0.2, 0.2, 0.2])
    day0 = dt.date(1990, 1, 1)
    tracemalloc.start()
    rows = []
    for i in range(SAMPLE):
        # As a driver returns them: a new object per value, no sharing between rows.
        links = [(int(rng.integers(1, LINKS)), 0.8) for _ in range(int(counts[i]))]
        rows.append(
            (
                i + 1,
                str(int(regions[i])),
                str(3800 + i % 100),
                Decimal(f"{100 + i % 997}.5"),
                i % 300,
                day0 + dt.timedelta(days=i % 12000),
                "存续（在营、开业、在册）"[: 2 + i % 3],
                False,
                None,
                False,
                False,
                False,
                links,
            )
        )
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "sample": SAMPLE,
        "sample_mb": held / 2**20,
        "extrapolated_mb": held / 2**20 * N / SAMPLE,
    }


def run_child(kind: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child = child_ours if sys.argv[2] == "ours" else child_baseline
        print(json.dumps(child()))
        return
    ours = run_child("ours")
    base = run_child("baseline")
    print(f"# pool {N:,} synthetic enterprises, ~1.2 link assignments each")
    print(
        f"# ours: arrays {ours['arrays_mb']:.0f} MB, on disk {ours['disk_mb']:.0f} MB, "
        f"built in {ours['build_s']:.1f} s, peak RSS {ours['peak_mb']:.0f} MB (whole process)"
    )
    print(
        f"# baseline: {base['sample']:,} rows as Python tuples hold {base['sample_mb']:.0f} MB, "
        f"extrapolated {base['extrapolated_mb']:.0f} MB"
    )
    print("# issue target: peak under 2 GB (2048 MB) for 10,000,000 enterprises")
    print(
        f"BENCH name=snapshot-memory value={ours['peak_mb']:.0f} unit=MB "
        f"baseline=python_tuples_extrapolated ratio={base['extrapolated_mb'] / ours['peak_mb']:.2f}"
    )


if __name__ == "__main__":
    main()
