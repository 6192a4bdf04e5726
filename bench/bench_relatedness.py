"""Relatedness engine: engine.relatedness against the PyPI package ecomplexity 0.5.3, same input.

A deterministic synthetic region × industry-class matrix of enterprise counts (default 3,000
regions × 1,400 GB/T 4754 classes): regions and classes of log-normal size, and regions more
likely to hold a class the closer their hidden capability is to its hidden complexity, which
gives the nested, sparse pattern of real data (about a third of the cells non-zero). Both sides
get the same long (region, class, count) rows; ours builds the matrix with matrix_from_pool and
runs complexity(convention="ecomplexity"), the package runs ecomplexity() on a DataFrame. Each
runs once, in its own process, so that peak memory (ru_maxrss, and its rise during the call)
belongs to it alone. The two outputs must agree to 1e-9 or the benchmark fails.

ecomplexity is not a chainvest dependency: when it is missing this script pip-installs
ecomplexity==0.5.3 into the running interpreter's environment, holding numpy and scipy at their
installed versions (docs/dependencies.md).

Both children run with the same number of BLAS threads, CHAINVEST_BENCH_RELATEDNESS_THREADS
(default 1: these machines have 2 cores shared by several sessions, and multi-threaded BLAS
spinning on a busy core makes timings erratic for either side).

Both children also run without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which these machines set
for older OpenBLAS builds that misbehave on their processors: the current OpenBLAS that NumPy
ships picks its own kernel (printed, from threadpoolctl), and a forced older one slows the dense
products of either side. The 1e-9 agreement check below guards the results of that kernel.

Prints BENCH lines for time (ratio = the package's seconds ÷ ours) and peak memory; comment
lines give the CPU seconds of both.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

REGIONS = int(os.environ.get("CHAINVEST_BENCH_RELATEDNESS_REGIONS", "3000"))
CLASSES = int(os.environ.get("CHAINVEST_BENCH_RELATEDNESS_CLASSES", "1400"))
THREADS = os.environ.get("CHAINVEST_BENCH_RELATEDNESS_THREADS", "1")
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
FORCED_KERNEL_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
SEED = 20240601
PACKAGE = "ecomplexity==0.5.3"
TOLERANCE = 1e-9
MATRICES = ("rca", "mcp", "density", "cog")
VECTORS = {"eci": 1, "coi": 1, "diversity": 1, "pci": 0, "ubiquity": 0}  # 1: per region


def synthetic(regions: int, classes: int, seed: int = SEED) -> np.ndarray:
    rng = np.random.default_rng(seed)
    size = np.outer(rng.lognormal(0, 1.2, regions), rng.lognormal(0, 1.2, classes))
    gap = np.clip(rng.uniform(size=classes)[None, :] - rng.uniform(size=regions)[:, None], 0, 1)
    return rng.poisson(0.5 * size * np.exp(-6 * gap)).astype(np.float64)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(region, klass, count) -> dict[str, np.ndarray]:
    from chainvest.engine.relatedness import complexity, matrix_from_pool

    matrix = matrix_from_pool(region, klass, count, shape=(REGIONS, CLASSES))
    result = complexity(matrix, convention="ecomplexity")
    return {name: getattr(result, name) for name in (*MATRICES, *VECTORS)}


def run_package(region, klass, count) -> dict[str, np.ndarray]:
    import pandas as pd
    from ecomplexity import ecomplexity

    frame = pd.DataFrame({"year": 2024, "region": region, "klass": klass, "count": count})
    columns = {"time": "year", "loc": "region", "prod": "klass", "val": "count"}
    out = ecomplexity(frame, columns, verbose=False)
    rows, cols = out["region"].to_numpy(), out["klass"].to_numpy()

    def grid(name: str) -> np.ndarray:  # NaN where the package gives no row (empty ones)
        values = np.full((REGIONS, CLASSES), np.nan)
        values[rows, cols] = out[name].to_numpy(dtype=np.float64)
        return values

    result = {name: grid(name) for name in MATRICES}
    for name, per_region in VECTORS.items():
        result[name] = np.nanmax(grid(name), axis=per_region)
    return result


def worker(which: str, folder: Path) -> dict:
    """In a child process: load the rows, time one call, save the outputs."""
    import warnings

    warnings.simplefilter("ignore")
    region, klass, count = (np.load(folder / f"{n}.npy") for n in ("region", "klass", "count"))
    if which == "ours":
        import scipy.sparse.linalg  # noqa: F401  (imports are not part of the timing)
    else:
        import ecomplexity  # noqa: F401
        import pandas  # noqa: F401
    before = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    outputs = (run_ours if which == "ours" else run_package)(region, klass, count)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = rss_mb()
    np.savez(folder / f"{which}.npz", **outputs)
    kernel = _blas_kernel()
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak, "rise_mb": peak - before, **kernel}


def _blas_kernel() -> dict:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return {"kernel": "unknown"}
    blas = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    return {"kernel": ",".join(str(pool.get("architecture")) for pool in blas) or "none"}


def ensure_package() -> None:
    probe = [sys.executable, "-c", "import ecomplexity, pandas, sklearn"]
    if subprocess.run(probe, capture_output=True).returncode == 0:
        return
    import scipy

    print(f"# installing {PACKAGE} for the baseline (not a chainvest dependency)", flush=True)
    pins = [PACKAGE, f"numpy=={np.__version__}", f"scipy=={scipy.__version__}"]
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *pins], check=True)


def child(which: str, folder: Path) -> dict:
    command = [sys.executable, __file__, "--worker", which, str(folder)]
    env = os.environ | dict.fromkeys(THREAD_VARIABLES, THREADS)
    for name in FORCED_KERNEL_VARIABLES:
        env.pop(name, None)
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        sys.exit(f"{which} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def largest_difference(folder: Path) -> tuple[str, float, int]:
    """Largest |ours - theirs| / max(1, |theirs|) over the cells the package fills."""
    ours, theirs = np.load(folder / "ours.npz"), np.load(folder / "ecomplexity.npz")
    gaps = {}
    for name in ours.files:
        filled = ~np.isnan(theirs[name])
        gap = np.abs(ours[name][filled] - theirs[name][filled]) / np.maximum(
            1, np.abs(theirs[name][filled])
        )
        gaps[name] = float(gap.max())
    worst = max(gaps, key=gaps.get)
    return worst, gaps[worst], int(np.isnan(theirs["mcp"]).sum())


def main() -> None:
    ensure_package()
    values = synthetic(REGIONS, CLASSES)
    region, klass = np.nonzero(values)
    with tempfile.TemporaryDirectory(prefix="chainvest-bench-relatedness-") as name:
        folder = Path(name)
        for part, array in (("region", region), ("klass", klass), ("count", values[region, klass])):
            np.save(folder / f"{part}.npy", array)
        del values
        ours = child("ours", folder)
        theirs = child("ecomplexity", folder)
        worst, gap, unfilled = largest_difference(folder)
    report(ours, theirs, len(region))
    if not gap <= TOLERANCE:
        sys.exit(f"outputs differ: {worst} by {gap:.3e}")
    print(f"# outputs agree: largest relative difference {gap:.1e} ({worst}), limit {TOLERANCE:g}")
    print(f"# {unfilled} cells of empty rows or columns, which the package drops, not compared")


def report(ours: dict, theirs: dict, cells: int) -> None:
    fill = cells / (REGIONS * CLASSES)
    print(f"# matrix {REGIONS:,} regions × {CLASSES:,} industry classes of enterprise counts")
    print(f"# {cells:,} non-zero cells ({fill:.1%}); BLAS threads: {THREADS} for both")
    for name, run in (("ecomplexity 0.5.3", theirs), ("ours", ours)):
        print(
            f"# {name}: {run['seconds']:.3f} s ({run['cpu']:.3f} CPU s), peak RSS"
            f" {run['peak_mb']:.0f} MB (+{run['rise_mb']:.0f} MB during the call),"
            f" BLAS kernel {run['kernel']}"
        )
    print(f"# CPU-time ratio {theirs['cpu'] / ours['cpu']:.1f}")
    base = "baseline=ecomplexity-0.5.3"
    ratio = theirs["seconds"] / ours["seconds"]
    print(f"BENCH name=relatedness value={ours['seconds']:.3f} unit=s {base} ratio={ratio:.1f}")
    memory = theirs["peak_mb"] / ours["peak_mb"]
    peak = ours["peak_mb"]
    print(f"BENCH name=relatedness_peak_rss value={peak:.0f} unit=MB {base} ratio={memory:.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], Path(sys.argv[3]))))
    else:
        main()
