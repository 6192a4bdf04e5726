"""Enterprise import: `import_file` against the database's own bulk load of the same file.

Writes a deterministic vendor-style CSV of N rows (CHAINVEST_BENCH_IMPORT_ROWS, default
1,000,000): real-looking names, USCCs with valid check characters, counties of the Region
table with their provinces and cities, GB/T 4754 names. Ours: a fresh migrated SQLite database
with the reference tables, `import_file(..., hooks=False)` (checks every row, writes the
enterprises and their history in one transaction). Baseline: the sqlite3 shell's `.import` of
the same file into a bare table of TEXT columns (no checks, no indexes, no history); where the
shell is missing (Debian package `sqlite3`), Python's sqlite3 executemany into the same bare
table, and the baseline name says so. Prints one BENCH line.

When PostgreSQL is reachable (CHAINVEST_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432
/cv_pool_import_bench, recreated), a child run of this file imports the same file into a
freshly migrated PostgreSQL database and prints a second line, `import-postgresql`, against
COPY … FROM STDIN (CSV) of the same rows into a bare table of TEXT columns.
"""

import csv
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "CHAINVEST_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/cv_pool_import_bench"
)
CHILD = len(sys.argv) == 3 and sys.argv[1] == "--postgresql"  # argv[2]: the file to import
tmp = Path(tempfile.mkdtemp(prefix="chainvest-bench-import-"))
os.environ["DATABASE_URL"] = PG_URL if CHILD else f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ["CHAINVEST_VAR_DIR"] = str(tmp / "var")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainvest.settings")
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from chainvest.engine.text import USCC_ALPHABET, uscc_check_char  # noqa: E402
from chainvest.enterprises.importing import import_file  # noqa: E402
from chainvest.enterprises.models import Enterprise  # noqa: E402
from chainvest.enterprises.synth import HEADERS as VENDOR_HEADERS  # noqa: E402
from chainvest.regions.loaders import load_reference  # noqa: E402
from chainvest.regions.models import IndustryCode, Region, RegionLevel  # noqa: E402

HEADERS = VENDOR_HEADERS
WORDS = list("华鑫泰安恒盛达信通宏瑞丰源隆昌兴祥远博润天金新众汇诚德佳")
TRADES = ["新材料", "能源", "科技", "化工", "装备", "农业", "食品", "建材", "物流", "电子"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"]
SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 马 朱 胡 郭 何 高 林 罗".split()
GIVEN = "伟 芳 娜 敏 静 强 磊 军 洋 勇 艳 杰 涛 明 超 霞 平 刚 桂 英".split()
TYPES = ["有限责任公司(自然人投资或控股)", "股份有限公司(非上市)", "有限责任公司(国有独资)"]
STATUS = ["存续", "在业", "存续", "注销", "吊销"]
SCOPES = [
    "新型建筑材料制造；水泥制品销售；砼结构构件制造",
    "风力发电机组及零部件销售；发电业务；输电、供电、受电电力设施的安装、维修和试验",
    "煤炭开采；煤炭及制品销售；选矿",
    "食用植物油加工；粮食收购；农产品的生产、销售、加工、运输、贮藏及其他相关服务",
]


def places() -> list[tuple[str, str, str, str]]:
    """(province, city, county, county code) for every county, city '' under a province."""
    regions = {r.id: r for r in Region.objects.all()}
    rows = []
    for r in regions.values():
        if r.level != RegionLevel.COUNTY:
            continue
        parent = regions.get(r.parent_id)
        if parent and parent.level == RegionLevel.CITY:
            rows.append((regions[parent.parent_id].name, parent.name, r.name, r.code))
        elif parent:
            rows.append((parent.name, parent.name, r.name, r.code))
    return sorted(rows, key=lambda p: p[3])


def industries() -> list[tuple[str, str, str, str]]:
    codes = {c.id: c for c in IndustryCode.objects.all()}
    rows = []
    for c in codes.values():
        if c.level == 4:
            group = codes[c.parent_id]
            division = codes[group.parent_id]
            rows.append((codes[division.parent_id].name, division.name, group.name, c.name))
    return sorted(rows)


def write_file(path: Path, n: int) -> None:
    rng = random.Random(20240501)
    where, what = places(), industries()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["企业名录导出（示例数据，非真实企业）"])
        writer.writerow(HEADERS)
        for i in range(n):
            writer.writerow(_row(rng, i, where, what))


def _row(rng: random.Random, i: int, where: list, what: list) -> list[str]:
    province, city, county, code = where[rng.randrange(len(where))]
    section, division, group, klass = what[rng.randrange(len(what))]
    org = "".join(USCC_ALPHABET[rng.randrange(31)] for _ in range(8)) + str(i % 10)
    first17 = f"91{code}{org}"
    trade = rng.choice(TRADES)
    name = f"{county[:2]}{rng.choice(WORDS)}{rng.choice(WORDS)}{trade}{i}{rng.choice(FORMS)}"
    capital = rng.choice(["100万元", f"{rng.randint(10, 90000)}万元人民币", "200万美元", "-"])
    return [
        name,
        first17 + uscc_check_char(first17),
        rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        capital,
        f"{rng.randint(1990, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        rng.choice(STATUS),
        province,
        city,
        county,
        rng.choice(TYPES),
        section,
        division,
        group,
        klass,
        str(rng.randint(0, 500)),
        f"{province}{city if city != province else ''}{county}工业园区{rng.randint(1, 99)}号",
        rng.choice(SCOPES),
        "-" if i % 7 else f"{county[:2]}旧名{i}有限公司",
    ]


def bare_table_sql() -> str:
    columns = ", ".join(f'"c{i}" TEXT' for i in range(len(HEADERS)))
    return f"CREATE TABLE bare ({columns});"


def baseline(path: Path) -> tuple[float, str]:
    """The database's own bulk load into a bare table; (seconds, baseline name)."""
    db = tmp / "baseline.sqlite3"
    shell = shutil.which("sqlite3")
    body = tmp / "body.csv"  # .import --skip would still need the title line gone
    with path.open(encoding="utf-8") as src, body.open("w", encoding="utf-8") as dst:
        src.readline()
        src.readline()
        shutil.copyfileobj(src, dst)
    if shell:
        script = f"{bare_table_sql()}\n.mode csv\n.import {body} bare\n"
        cpu = _children_cpu()
        start = time.perf_counter()
        subprocess.run([shell, str(db)], input=script, text=True, check=True)
        CPU["baseline"] = _children_cpu() - cpu
        return time.perf_counter() - start, "sqlite3_shell_dot_import_bare_table"
    start = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute(bare_table_sql())
    with body.open(encoding="utf-8", newline="") as fh:
        marks = ", ".join("?" * len(HEADERS))
        con.executemany(f"INSERT INTO bare VALUES ({marks})", csv.reader(fh))
    con.commit()
    con.close()
    return time.perf_counter() - start, "python_sqlite3_executemany_bare_table(no_sqlite3_shell)"


PHASES: dict[str, float] = {}
# CPU seconds of each side: on a machine shared with other work, wall times swell with the
# load while CPU times mostly do not, so the '#' line gives a second, steadier ratio.
CPU: dict[str, float] = {}


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(module, name: str, label: str) -> None:
    """Add up the time spent in one step of the importer, for the '#' breakdown line."""
    inner = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            PHASES[label] = PHASES.get(label, 0.0) + time.perf_counter() - start

    setattr(module, name, wrapper)


def instrument() -> None:
    from chainvest.enterprises import importing

    for name, label in [
        ("_check_rows", "read+check"),
        ("_match_pool", "match"),
        ("_row_values", "prepare"),
        ("insert_rows", "insert"),
        ("_history_for_new", "history"),
        ("_write", "write_total"),
    ]:
        _timed(importing, name, label)


def timed_import(path: Path, n: int) -> float:
    instrument()
    cpu, start = time.process_time(), time.perf_counter()
    result = import_file(path, hooks=False)
    ours = time.perf_counter() - start
    CPU["ours"] = time.process_time() - cpu
    assert result.ok, [e.line() for e in result.errors[:5]]
    assert Enterprise.objects.count() == n
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in PHASES.items())
    print(f"# steps: {steps} (write_total includes the search index fill)", flush=True)
    return ours


def report(bench: str, n: int, ours: float, base: float, name: str) -> None:
    print(f"# {bench}: {n / ours:,.0f} rows/s including checks and history; {name}: {base:.2f}s")
    print(f"BENCH name={bench} value={ours:.2f} unit=s baseline={name} ratio={base / ours:.3f}")


def main() -> None:
    n = int(os.environ.get("CHAINVEST_BENCH_IMPORT_ROWS", "1000000"))
    call_command("migrate", verbosity=0)
    load_reference()
    path = tmp / "pool.csv"
    start = time.perf_counter()
    write_file(path, n)
    print(f"# wrote {n:,} rows ({path.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - start:.1f}s")  # fmt: skip
    ours = timed_import(path, n)
    base, name = baseline(path)
    if "baseline" in CPU:
        print(f"# CPU seconds: ours {CPU['ours']:.1f}, {name} {CPU['baseline']:.1f}, "
              f"ratio {CPU['baseline'] / CPU['ours']:.3f}")  # fmt: skip
    report("import", n, ours, base, name)
    if recreate_pg_database():
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--postgresql", str(path)], check=True)


# --- PostgreSQL ----------------------------------------------------------------------------


def recreate_pg_database() -> bool:
    """A fresh bench database, or False (no line printed) when PostgreSQL is not reachable."""
    try:
        import psycopg
    except ImportError:
        return False
    if not PG_URL:  # CHAINVEST_BENCH_PG_URL= (empty) skips the PostgreSQL line
        return False
    base_url, _, db = PG_URL.rpartition("/")
    try:
        with psycopg.connect(f"{base_url}/postgres", autocommit=True, connect_timeout=3) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{db}"')
            con.execute(f'CREATE DATABASE "{db}"')
    except psycopg.Error as exc:
        print(f"# PostgreSQL not reachable ({exc.__class__.__name__}): no import-postgresql line")
        return False
    return True


def pg_baseline(path: Path) -> float:
    """COPY of the file's rows (title and header skipped) into a bare table of TEXT columns."""
    import psycopg

    with psycopg.connect(PG_URL) as con, path.open("rb") as fh:
        fh.readline()
        fh.readline()
        start = time.perf_counter()
        con.execute(bare_table_sql())
        with con.cursor().copy("COPY bare FROM STDIN WITH (FORMAT csv)") as copy:
            while block := fh.read(1 << 20):
                copy.write(block)
        con.commit()
        return time.perf_counter() - start


def pg_main(path: Path) -> None:
    n = int(os.environ.get("CHAINVEST_BENCH_IMPORT_ROWS", "1000000"))
    call_command("migrate", verbosity=0)
    load_reference()
    ours = timed_import(path, n)
    base = pg_baseline(path)
    report("import-postgresql", n, ours, base, "postgresql_copy_csv_bare_table")


if __name__ == "__main__":
    try:
        pg_main(Path(sys.argv[2])) if CHILD else main()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
