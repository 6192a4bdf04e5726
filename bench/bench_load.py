"""Load: 50 concurrent users on gunicorn + PostgreSQL over a 1 M-enterprise pool, vs runserver.

The bench builds its own PostgreSQL database (cv_load on 127.0.0.1, dropped at the end): the
synthetic pool of bench/bench_search.py (BENCH_LOAD_POOL enterprises, default 1,000,000, bulk
COPY + INSERT … SELECT), then the Changji demo (users, projects, events) on top, with only the
demo's own enterprises classified. It then runs the locust scenario of bench/locustfile.py
(50 users, spawned 10 a second, BENCH_LOAD_SECONDS each, default 60, after an untimed warm-up
of BENCH_LOAD_WARMUP seconds, default 20; 3-6 s of thinking between clicks; statistics reset
once all are spawned) twice against loopback servers:

- the baseline: Django's development server (`chainvest runserver`, one process, threads);
- ours: gunicorn, BENCH_LOAD_WORKERS processes (default 4, sync; BENCH_LOAD_THREADS > 1 makes
  them gthread), preloaded, DEBUG off, persistent database connections, the chain
  diagnosis's pool facts kept 5 minutes per process (CHAINVEST_POOL_FACTS_SECONDS=300).

It prints the throughput, p50/p95/p99 and errors of each run, the p95 of every endpoint, and
one line `BENCH name=load value=<p95 ms> … ratio=<runserver p95 ÷ gunicorn p95>`.
BENCH_LOAD_KEEP=1 keeps the database (and prints its URL) to study a slow page;
BENCH_LOAD_REUSE=1 runs the scenario again on the kept database (same BENCH_LOAD_POOL) and
BENCH_LOAD_SKIP_BASELINE=1 leaves out the runserver run, while iterating on a fix.
"""

import csv
import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POOL = int(os.environ.get("BENCH_LOAD_POOL", "1000000"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
WARMUP = int(os.environ.get("BENCH_LOAD_WARMUP", "20"))  # an untimed run first, per server
USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "1"))
KEEP = os.environ.get("BENCH_LOAD_KEEP") == "1"
SKIP_BASELINE = os.environ.get("BENCH_LOAD_SKIP_BASELINE") == "1"  # while iterating on a fix
REUSE = os.environ.get("BENCH_LOAD_REUSE") == "1"  # a database kept by BENCH_LOAD_KEEP=1
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = os.environ.get("BENCH_LOAD_DB", "cv_load")
PORT_BASELINE, PORT_OURS = 8731, 8732
SEED = 2026


def log(message: str) -> None:
    print(f"# {message}", flush=True)


def server_env() -> dict:
    """Production-like settings from the environment (settings.py's env helpers)."""
    return {
        **os.environ,
        # BENCH_LOAD_SRC: serve another checkout's source (say, main's before a fix).
        "PYTHONPATH": os.environ.get("BENCH_LOAD_SRC", str(ROOT / "src")),
        "DJANGO_SETTINGS_MODULE": "chainvest.settings",
        "DATABASE_URL": f"{PG_SERVER}/{DATABASE}",
        "CHAINVEST_DEBUG": "0",
        "CHAINVEST_SECRET_KEY": "bench-load-" + "x" * 50,
        "CHAINVEST_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CHAINVEST_IMPORT_IN_BACKGROUND": "0",
        # The diagnosis's pool totals kept 5 minutes per process, as docs/load.md advises.
        "CHAINVEST_POOL_FACTS_SECONDS": os.environ.get("CHAINVEST_POOL_FACTS_SECONDS", "300"),
    }


# --- preparing the database (a child process: Django is set up for cv_load only) ----------


def prepare(scenario: Path) -> None:
    # The servers' secret key: the sessions signed in here must hold there.
    os.environ["CHAINVEST_SECRET_KEY"] = server_env()["CHAINVEST_SECRET_KEY"]
    os.environ.update(
        CHAINVEST_BENCH_SEARCH_DB="postgresql",
        CHAINVEST_BENCH_SEARCH_N=str(POOL),
        CHAINVEST_BENCH_SEARCH_PGDB=DATABASE,
        CHAINVEST_BENCH_SEARCH_PG=PG_SERVER,
    )
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench/bench_search.py")
    pool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pool)  # drops and creates cv_load, sets Django up on it
    start = time.perf_counter()
    pool.prepare()
    log(f"pool of {POOL:,} enterprises ready in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    _demo()
    log(f"demo loaded on top in {time.perf_counter() - start:.0f} s")
    scenario.write_text(json.dumps(_scenario(), ensure_ascii=False))


def _demo() -> None:
    """`chainvest demo` without classifying the synthetic pool (its rows are placed already)."""
    from django.db import connection

    from chainvest.demo.loader import load_demo, load_demo_history
    from chainvest.enterprises.classification import classify_enterprises
    from chainvest.enterprises.models import Enterprise

    with connection.cursor() as cursor:  # the pool was written with explicit ids
        for table in ("enterprises_enterprise", "enterprises_enterpriselink"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    load_demo()
    classify_enterprises(ids=Enterprise.objects.filter(is_demo=True).values_list("id", flat=True))
    load_demo_history()
    with connection.cursor() as cursor:
        # A fresh bulk load has no visibility map or hint bits: the first readers would write
        # them. A database in service has been vacuumed; so is this one before measuring.
        cursor.execute("VACUUM ANALYZE")


def _scenario() -> dict:
    """What the locust users need: accounts, their projects, chains and search terms."""
    from django.conf import settings

    from chainvest.accounts.models import Profile
    from chainvest.chains.models import Chain
    from chainvest.enterprises.models import Enterprise
    from chainvest.projects.models import Project

    officers = {}
    for p in Profile.objects.filter(role="officer", park__isnull=True, county__isnull=False):
        ids = Project.objects.active().filter(county_id=p.county_id).values_list("id", flat=True)
        officers[p.user.username] = list(ids)
    readers = list(
        Profile.objects.filter(role__in=["leader", "analyst", "admin"]).values_list(
            "user__username", flat=True
        )
    )
    rng = random.Random(SEED)
    picks = [rng.randint(1, POOL) for _ in range(300)]
    names = list(Enterprise.objects.filter(id__in=picks).values_list("name", flat=True))
    return {
        "password": settings.DEMO_PASSWORD,
        "sessions": _sessions([*officers, *readers]),
        "officers": officers,
        "readers": readers,
        "projects": list(Project.objects.values_list("id", flat=True)),
        "counties": sorted({str(c) for c in Project.objects.values_list("county_id", flat=True)}),
        "chains": list(Chain.objects.values_list("code", "id")),
        "terms": _terms(names, rng),
    }


def _sessions(usernames: list[str]) -> dict[str, list[str]]:
    """Signed-in sessions, USERS per account: the users logged in this morning, so the run
    measures their work, not 50 password hashes at once (the login has its own short run)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    sessions = {}
    for user in get_user_model().objects.filter(username__in=usernames):
        client = Client()
        sessions[user.username] = []
        for _ in range(USERS):
            client.force_login(user)
            sessions[user.username].append(client.cookies["sessionid"].value)
            client.cookies.clear()
    return sessions


def _terms(names: list[str], rng: random.Random) -> list[str]:
    """2-4 character pieces of real-looking names, as people type them (字号, 字号+行业)."""
    terms = []
    for name in names:
        size = rng.choice([2, 3, 3, 4, 4])
        start = rng.randint(0, max(0, len(name) - size))
        terms.append(name[start : start + size])
    return terms


# --- running the servers and locust --------------------------------------------------------


def start_server(command: list[str], port: int, log_file: Path) -> subprocess.Popen:
    with open(log_file, "wb") as out:  # the request log of runserver goes there too
        process = subprocess.Popen(
            command, env=server_env(), cwd=ROOT, stdout=out, stderr=out, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    stop(process)
    raise RuntimeError(f"server on port {port} did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_locust(port: int, scenario: Path, prefix: Path, seconds: int = SECONDS) -> dict:
    """Locust headless on the scenario; the rows of its stats CSV by endpoint name."""
    command = [
        str(BIN / "locust"),
        *("-f", str(ROOT / "bench/locustfile.py")),
        "--headless",
        *("-u", str(USERS), "-r", "10", "-t", f"{seconds}s"),
        "--reset-stats",
        "--only-summary",
        *("--csv", str(prefix)),
        *("--host", f"http://127.0.0.1:{port}"),
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "BENCH_LOAD_SCENARIO": str(scenario)}
    subprocess.run(command, env=env, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", newline="") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def measure(label: str, command: list[str], port: int, scenario: Path, tmp: Path) -> dict:
    server = start_server(command, port, tmp / f"{label}.log")
    try:
        if WARMUP:  # every worker's imports, connections and kept pool facts, untimed
            run_locust(port, scenario, tmp / f"{label}-warmup", WARMUP)
        load = os.getloadavg()[0]
        stats = run_locust(port, scenario, tmp / label)
    finally:
        stop(server)
    total = stats["Aggregated"]
    log(
        f"{label}: {float(total['Requests/s']):.1f} req/s, {total['Request Count']} requests, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms, "
        f"errors {total['Failure Count']} (load average before the run {load:.2f})"
    )
    for name, row in sorted(stats.items()):
        if name != "Aggregated":
            log(
                f"  {label} {name}: {row['Request Count']} requests, p50 {row['50%']} ms, "
                f"p95 {row['95%']} ms, errors {row['Failure Count']}"
            )
    return total


def gunicorn_command() -> list[str]:
    return [
        str(BIN / "gunicorn"),
        "chainvest.wsgi:application",
        *("--bind", f"127.0.0.1:{PORT_OURS}"),
        *("--workers", str(WORKERS), "--threads", str(THREADS)),
        *("--worker-class", "gthread" if THREADS > 1 else "sync"),
        *("--timeout", "60", "--keep-alive", "5"),
        "--preload",  # Django and its imports loaded once, before the fork
    ]


def runserver_command() -> list[str]:
    return [
        str(BIN / "python"),
        "-m",
        "chainvest",
        "runserver",
        "--noreload",
        f"127.0.0.1:{PORT_BASELINE}",
    ]


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def pg_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means: not reachable
        return False


def main() -> None:
    if not pg_reachable():
        log("PostgreSQL not reachable on 127.0.0.1:5432: no load figure")
        return
    tmp = Path(tempfile.mkdtemp(prefix="chainvest-bench-load-"))
    scenario = tmp / "scenario.json"
    try:
        start = time.perf_counter()
        if REUSE:
            subprocess.run([sys.executable, __file__, "scenario", str(scenario)], check=True)
        else:
            subprocess.run([sys.executable, __file__, "prepare", str(scenario)], check=True)
        log(f"database prepared in {time.perf_counter() - start:.0f} s")
        ours = measure(
            f"gunicorn-{WORKERS}x{THREADS}", gunicorn_command(), PORT_OURS, scenario, tmp
        )
        base = None
        if not SKIP_BASELINE:
            base = measure("runserver", runserver_command(), PORT_BASELINE, scenario, tmp)
        log(f"{USERS} users, {SECONDS} s per run, pool {POOL:,}; goal: 0 errors, p95 < 300 ms")
        ratio = float(base["95%"]) / float(ours["95%"]) if base else float("nan")
        print(
            f"BENCH name=load value={ours['95%']} unit=ms_p95_{USERS}_users_at_{POOL}_enterprises "
            f"baseline=runserver_p95 ratio={ratio:.2f}",
            flush=True,
        )
    finally:
        if KEEP or REUSE:
            log(f"kept the database {PG_SERVER}/{DATABASE}")
        else:
            drop_database()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "prepare":
        prepare(Path(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "scenario":  # BENCH_LOAD_REUSE=1
        os.environ.update(server_env())
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
        Path(sys.argv[2]).write_text(json.dumps(_scenario(), ensure_ascii=False))
    else:
        main()
