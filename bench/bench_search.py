"""Enterprise search: p95 latency of 1,000 page queries on a synthetic pool, against a LIKE scan.

Run without a database named (`python bench/bench_search.py`), it measures SQLite (a scratch
file in a temporary folder) and then, when the server answers, PostgreSQL (a scratch database
cv_pool_search_bench on 127.0.0.1, dropped at the end), each in a child process of its own, and
prints one BENCH line per database: `search` (SQLite) and `search-postgresql`.
CHAINVEST_BENCH_SEARCH_DB=sqlite|postgresql runs one of them; CHAINVEST_BENCH_SEARCH_PG sets
the PostgreSQL server URL (default postgres://postgres@127.0.0.1:5432).

The pool (CHAINVEST_BENCH_SEARCH_N, default 10,000,000) is built with bulk SQL, not the import
path: a bank of up to 200,000 enterprises from the synth generator is written with one
executemany / COPY, and the database copies it into the rest of the N rows itself (INSERT …
SELECT over a recursive CTE / generate_series), each copy with its own 字号 (two name characters
drawn by id) and its own USCC-shaped key, and with its seed's link assignment. Scopes, regions,
classes, capital and status repeat the bank's distribution, as standard scope wording repeats
in a real pool. Then the search indexes are built and 1,000 queries are timed the way the
search page runs them: the count ("共 N 条", counted up to 10,000 as the page does) and the
first page of 20 rows. The baseline runs the same queries as plain LIKE scans without the
indexes on a sample (CHAINVEST_BENCH_SEARCH_BASELINE queries, default 20, 5 above 1 M: each
scans the pool).
CHAINVEST_BENCH_SEARCH_KEEP=1 keeps the scratch pool (SQLite file or PostgreSQL database).
"""

import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("CHAINVEST_BENCH_SEARCH_N", "10000000"))
QUERIES = int(os.environ.get("CHAINVEST_BENCH_SEARCH_QUERIES", "1000"))
BATCH = 20_000
SEED = 2026

DB = os.environ.get("CHAINVEST_BENCH_SEARCH_DB", "")
PG_SERVER = os.environ.get("CHAINVEST_BENCH_SEARCH_PG", "postgres://postgres@127.0.0.1:5432")
# bench_load.py builds its own pool through this file under another name.
PG_DATABASE = os.environ.get("CHAINVEST_BENCH_SEARCH_PGDB", "cv_pool_search_bench")
BANK = 200_000
COPY_STEP = 1_000_000  # rows per INSERT … SELECT
# Each baseline query scans the whole pool (a minute or more at 10 M): fewer on a big pool.
BASELINE = int(os.environ.get("CHAINVEST_BENCH_SEARCH_BASELINE", "20" if N <= 10**6 else "5"))
KEEP = os.environ.get("CHAINVEST_BENCH_SEARCH_KEEP") == "1"  # keep the scratch pool to study


def _children() -> None:
    """No database named: SQLite, then PostgreSQL when it answers, each in its own process."""
    import subprocess

    for db in ("sqlite", "postgresql"):
        if db == "postgresql" and not _pg_reachable():
            print("# PostgreSQL not reachable: no search-postgresql figure", flush=True)
            continue
        env = {**os.environ, "CHAINVEST_BENCH_SEARCH_DB": db}
        subprocess.run([sys.executable, __file__], env=env, check=True)


def _pg_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means: not reachable
        return False


if __name__ == "__main__" and not DB:
    _children()
    sys.exit(0)

scratch = tmp = None
if DB == "postgresql":
    scratch = PG_DATABASE
    base_url = PG_SERVER
    os.environ["DATABASE_URL"] = f"{base_url}/{scratch}"
else:
    tmp = Path(tempfile.mkdtemp(prefix="chainvest-bench-search-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainvest.settings")
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

if scratch:
    import psycopg  # noqa: E402

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {scratch}")
        admin.execute(f"CREATE DATABASE {scratch}")

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from chainvest.chains.loaders import load_chain_templates  # noqa: E402
from chainvest.chains.models import Link  # noqa: E402
from chainvest.engine.names import name_key  # noqa: E402
from chainvest.enterprises import search  # noqa: E402
from chainvest.enterprises.synth import PoolGenerator, read_words  # noqa: E402
from chainvest.regions.loaders import load_reference  # noqa: E402
from chainvest.regions.models import IndustryCode, Region  # noqa: E402

COLUMNS = [
    "id",
    "name",
    "uscc",
    "former_names",
    "name_key",
    "legal_representative",
    "established_date",
    "enterprise_type",
    "address",
    "region_id",
    "industry_id",
    "registered_capital_wan",
    "registered_capital_text",
    "registered_capital_currency",
    "insured_count",
    "is_listed",
    "business_scope",
    "status",
    "is_chain_leader",
    "is_demo",
    "archived",
]
LINK_COLUMNS = ["enterprise_id", "link_id", "source", "confidence", "reasons"]


def log(message: str) -> None:
    print(f"# {message}", flush=True)


class Loader:
    """Synthetic rows straight into the tables: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self) -> None:
        self.region = dict(Region.objects.values_list("code", "id"))
        self.industry = dict(IndustryCode.objects.values_list("code", "id"))
        self.link = {(lk.chain.code, lk.code): lk.id for lk in Link.objects.select_related("chain")}
        self.sample: list = []  # a few generated enterprises to draw queries from

    def row(self, ent) -> tuple:
        currency = "USD" if ent.capital_text.endswith("万美元") else "CNY"
        return (
            ent.index + 1,
            ent.name,
            ent.uscc,
            json.dumps(ent.former_names, ensure_ascii=False),
            name_key(ent.name),
            ent.legal_representative,
            ent.established,
            ent.enterprise_type,
            ent.address,
            self.region[ent.county.code],
            self.industry.get(ent.industry),
            ent.capital_wan,
            ent.capital_text,
            currency,
            ent.insured,
            False,
            ent.scope,
            ent.status,
            False,
            False,
            False,
        )

    def assignment(self, ent) -> tuple:
        link = self.link[(ent.link.chain, ent.link.code)]
        return (ent.index + 1, link, "auto", 0.8, "[]")

    def batches(self, count: int):
        rng = random.Random(SEED)
        generator = PoolGenerator(read_words(ROOT / "data"), SEED)
        rows, links = [], []
        for ent, _ in generator.enterprises(count):
            rows.append(self.row(ent))
            self.parts.append(_name_parts(ent))
            if ent.link is not None:
                links.append(self.assignment(ent))
            if rng.random() < 2000 / max(count, 1):
                self.sample.append(ent)
            if len(rows) == BATCH:
                yield rows, links
                rows, links = [], []
        if rows:
            yield rows, links

    def load(self, count: int) -> None:
        bank = min(count, BANK)
        self.parts: list[tuple[int, str, str]] = []
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # A scratch database: no journal or fsync while loading, a large page cache.
                cursor.execute("PRAGMA journal_mode = OFF")
                cursor.execute("PRAGMA synchronous = OFF")
                cursor.execute("PRAGMA cache_size = -2000000")
            for rows, links in self.batches(bank):
                with transaction.atomic():
                    self._write(cursor, "enterprises_enterprise", COLUMNS, rows)
                    self._write(cursor, "enterprises_enterpriselink", LINK_COLUMNS, links)
            log(f"bank of {bank:,} generated enterprises written")
            self._copies(cursor, bank, count)

    def _copies(self, cursor, bank: int, count: int) -> None:
        """Rows bank+1 … count as copies of the bank, made by the database itself."""
        words = read_words(ROOT / "data").name_chars
        rng = random.Random(SEED + 1)
        pairs = [(i, rng.choice(words) + rng.choice(words)) for i in range(WORDS)]
        pg = connection.vendor == "postgresql"
        temp = "CREATE TEMP TABLE" if not pg else "CREATE UNLOGGED TABLE"
        cursor.execute(f"{temp} bench_word (k integer PRIMARY KEY, word text)")
        cursor.execute(f"{temp} bench_part (k integer PRIMARY KEY, head text, tail text)")
        self._write(cursor, "bench_word", ["k", "word"], pairs)
        self._write(cursor, "bench_part", ["k", "head", "tail"], self.parts)
        for lo in range(bank + 1, count + 1, COPY_STEP):
            hi = min(lo + COPY_STEP - 1, count)
            with transaction.atomic():
                for sql in COPY_PG if pg else COPY_SQLITE:
                    cursor.execute(sql.format(lo=lo, hi=hi, bank=bank, words=WORDS))
            log(f"copied up to {hi:,}")
        cursor.execute("DROP TABLE bench_word")
        cursor.execute("DROP TABLE bench_part")

    def _write(self, cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
        names = ", ".join(columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _name_parts(ent) -> tuple[int, str, str]:
    """The name around its 字号: synth writes place prefix + two characters + the rest."""
    head = max((p for p in ent.county.prefixes if ent.name.startswith(p)), key=len, default="")
    return ent.index + 1, head, ent.name[len(head) + 2 :]


WORDS = 9973  # distinct 字号 for the copies; prime, so copies of one seed differ
_COPIED = [c for c in COLUMNS if c not in ("id", "name", "uscc", "name_key")]


def _copy_sql(series: str, seed: str, uscc: str) -> list[str]:
    """INSERT … SELECT statements that copy the bank into ids lo … hi (format placeholders)."""
    name = "p.head || w.word || p.tail"
    cols = ", ".join(["id", "name", "uscc", "name_key", *_COPIED])
    picked = ", ".join(f"e.{c}" for c in _COPIED)
    joins = (
        f"JOIN bench_part p ON p.k = {seed} JOIN bench_word w ON w.k = g.x % {{words}} "
        f"JOIN enterprises_enterprise e ON e.id = {seed}"
    )
    link_cols = ", ".join(LINK_COLUMNS)
    return [
        f"INSERT INTO enterprises_enterprise ({cols}) SELECT g.x, {name}, {uscc}, "
        f"{name}, {picked} FROM {series} {joins}",
        f"INSERT INTO enterprises_enterpriselink ({link_cols}) SELECT g.x, l.link_id, "
        f"l.source, l.confidence, l.reasons FROM {series} "
        f"JOIN enterprises_enterpriselink l ON l.enterprise_id = {seed}",
    ]


_SEED = "((g.x - 1) % {bank}) + 1"
COPY_SQLITE = _copy_sql(
    "(WITH RECURSIVE s(x) AS (SELECT {lo} UNION ALL SELECT x + 1 FROM s WHERE x < {hi}) "
    "SELECT x FROM s) g",
    _SEED,
    "'9X' || printf('%016d', g.x)",
)
COPY_PG = _copy_sql(
    "generate_series({lo}, {hi}) AS g(x)", _SEED, "'9X' || lpad(g.x::text, 16, '0')"
)


def build_queries(sample: list, rng: random.Random) -> list[dict]:
    """The mix a bureau types: link keywords, fragments of names, short words, with filters."""
    words = read_words(ROOT / "data")
    keywords = [k for link in words.links for k in link.keywords]
    short = sorted({w for link in words.links for w in link.words if len(w) == 2})
    provinces = sorted({e.county.code[:2] + "0000" for e in sample})
    cities = sorted({e.county.code[:4] + "00" for e in sample})
    chains = sorted({link.chain for link in words.links})
    queries = []
    for _ in range(QUERIES):
        roll = rng.random()
        if roll < 0.45:
            query = {"q": rng.choice(keywords)}
        elif roll < 0.70:
            name = rng.choice(sample).name
            start = rng.randint(2, max(2, len(name) - 6))
            query = {"q": name[start : start + rng.choice([3, 4, 4, 5])]}
        elif roll < 0.80:
            query = {"q": rng.choice(short)}
        else:
            query = {"q": rng.choice(keywords)} if rng.random() < 0.5 else {}
        if rng.random() < 0.3:
            query["region"] = rng.choice(provinces if rng.random() < 0.5 else cities)
        if rng.random() < 0.15:
            query["chain"] = rng.choice(chains)
        if rng.random() < 0.15:
            query["capital_min"] = rng.choice([100, 500, 1000, 5000])
        if rng.random() < 0.1:
            query["status"] = rng.choice(["存续", "在业", "注销"])
        queries.append(query)
    return queries


def run(query: dict) -> float:
    """What the page does: the count and, if anything matched, the first 20 rows."""
    start = time.perf_counter()
    qs = search.search_enterprises(**query)
    found, _ = search.count_capped(qs)
    if found:
        list(qs[:20])
    return time.perf_counter() - start


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] * 1000


def timed_queries(queries: list[dict]) -> list[float]:
    return [run(q) for q in queries]


def without_index(queries: list[dict]) -> list[float]:
    """The same queries as plain LIKE scans: no FTS table on SQLite, no index use on PostgreSQL."""
    if connection.vendor == "sqlite":
        original = search.uses_fts
        search.uses_fts = lambda connection=None: False
        try:
            return timed_queries(queries)
        finally:
            search.uses_fts = original
    with connection.cursor() as cursor:
        cursor.execute("SET enable_bitmapscan = off")
        cursor.execute("SET enable_indexscan = off")
        try:
            return timed_queries(queries)
        finally:
            cursor.execute("RESET enable_bitmapscan")
            cursor.execute("RESET enable_indexscan")


def prepare() -> Loader:
    call_command("migrate", verbosity=0)
    load_reference()
    load_chain_templates()
    search.remove_search_index()  # built after the load, as a bulk job would
    loader = Loader()
    start = time.perf_counter()
    loader.load(N)
    log(f"generated and loaded {N:,} enterprises in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
    search.install_search_index(fill_only_if_new=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"built the search indexes in {time.perf_counter() - start:.0f} s")
    return loader


def report(queries: list[dict], ours: list[float], base: list[float]) -> None:
    short = [t for q, t in zip(queries, ours, strict=True) if 0 < len(q.get("q", "")) < 3]
    longer = [t for q, t in zip(queries, ours, strict=True) if len(q.get("q", "")) >= 3]
    log(f"pool {N:,} enterprises on {connection.vendor}; {len(queries)} queries (count + 20 rows)")
    log(f"ours: p50 {statistics.median(ours) * 1000:.1f} ms, p95 {p95(ours):.1f} ms")
    if longer:
        log(f"ours, terms of 3+ characters ({len(longer)}): p95 {p95(longer):.1f} ms")
    if len(short) > 1:
        log(f"ours, 1-2 character terms ({len(short)}, trigram expansion): p95 {p95(short):.1f} ms")
    log(f"baseline LIKE scan on {len(base)} evenly spaced queries: p95 {p95(base):.1f} ms")
    log("issue target: p95 < 100 ms on 10,000,000 enterprises")


def main() -> None:
    try:
        loader = prepare()
        queries = build_queries(loader.sample, random.Random(SEED))
        ours = timed_queries(queries)
        base = without_index(queries[:: max(1, len(queries) // BASELINE)][:BASELINE])
        report(queries, ours, base)
        name = "search" if connection.vendor == "sqlite" else f"search-{connection.vendor}"
        print(
            f"BENCH name={name} value={p95(ours):.1f} unit=ms_p95_at_{N}_enterprises "
            f"baseline=like_scan_p95 ratio={p95(base) / p95(ours):.2f}",
            flush=True,
        )
    finally:
        connection.close()
        if KEEP:
            log(f"kept the pool in {os.environ['DATABASE_URL']}")
        elif scratch:
            with psycopg.connect(f"{base_url}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {scratch}")
        elif tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
