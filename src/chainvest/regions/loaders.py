"""Load the reference tables (divisions, parks, industry codes) from the CSV files under data/.

The files are the source of truth: a run creates what is missing and brings names, levels and
parents of existing rows in line with the files; it never deletes (other tables point here).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction

from chainvest.regions.models import IndustryCode, IndustryLevel, Park, ParkLevel, Region

REGION_LEVELS = ["province", "city", "county"]
INDUSTRY_CODE_PATTERNS = {1: r"[A-T]", 2: r"\d{2}", 3: r"\d{3}", 4: r"\d{4}"}


class ReferenceDataError(ValueError):
    """A reference file is missing or has a bad row; nothing was loaded."""


@dataclass
class Entry:
    """One row to load: its code, its parent's code and the model fields it sets."""

    code: str
    level: Any
    parent: str | None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Rows:
    path: Path
    rows: list[tuple[int, dict[str, str]]]

    def fail(self, line: int, message: str) -> ReferenceDataError:
        return ReferenceDataError(f"{self.path} 第 {line} 行：{message}")


def load_reference(data_dir: Path | None = None) -> dict[str, int]:
    """Create or update regions, parks and industry codes; return how many rows were created.

    Keys: regions, parks, industries (rows created) and updated (existing rows changed).
    """
    data_dir = Path(data_dir or settings.DATA_DIR)
    regions = read_regions(data_dir / "regions")
    parks = read_parks(data_dir / "regions" / "parks.csv", {e.code for e in regions})
    industries = read_industries(data_dir / "industries" / "gbt4754-2017.csv")
    with transaction.atomic():
        r_new, r_upd = sync(Region, regions, REGION_LEVELS, "parent", Region)
        p_new, p_upd = sync(Park, parks, list(ParkLevel.values), "region", Region)
        i_new, i_upd = sync(IndustryCode, industries, list(IndustryLevel.values), "parent")
    return {"regions": r_new, "parks": p_new, "industries": i_new, "updated": r_upd + p_upd + i_upd}


# --- writing -----------------------------------------------------------------------------


def sync(
    model: type[models.Model],
    entries: list[Entry],
    levels: list[Any],
    parent_field: str,
    parent_model: type[models.Model] | None = None,
) -> tuple[int, int]:
    """Bulk-create missing rows and bulk-update changed ones, level by level (parents first)."""
    parent_model = parent_model or model
    fk = f"{parent_field}_id"
    fields = sorted({key for e in entries for key in e.values})
    existing = {r["code"]: r for r in model.objects.values("id", "code", fk, *fields)}
    parent_ids = _ids(parent_model)
    created = updated = 0
    for level in levels:
        batch = [e for e in entries if e.level == level]
        new = [
            model(code=e.code, **{fk: parent_ids.get(e.parent)}, **e.values)
            for e in batch
            if e.code not in existing
        ]
        model.objects.bulk_create(new, batch_size=500)
        if new and parent_model is model:
            parent_ids = _ids(model)
        changed = _changed_rows(model, batch, existing, parent_ids, fk)
        model.objects.bulk_update(changed, [*fields, fk], batch_size=500)
        created, updated = created + len(new), updated + len(changed)
    return created, updated


def _ids(model: type[models.Model]) -> dict[str, int]:
    return dict(model.objects.values_list("code", "id"))


def _changed_rows(
    model: type[models.Model],
    batch: Iterable[Entry],
    existing: dict[str, dict[str, Any]],
    parent_ids: dict[str, int],
    fk: str,
) -> list[models.Model]:
    changed = []
    for entry in batch:
        current = existing.get(entry.code)
        if current is None:
            continue
        wanted = {**entry.values, fk: parent_ids.get(entry.parent)}
        if any(current[key] != value for key, value in wanted.items()):
            # Fields the file leaves unset keep their stored value.
            kept = {k: v for k, v in current.items() if k not in wanted and k != "code"}
            changed.append(model(code=entry.code, **kept, **wanted))
    return changed


# --- reading -----------------------------------------------------------------------------


def read_csv(path: Path, columns: list[str]) -> _Rows:
    """Rows of a UTF-8 CSV with their line numbers; every named column must be present."""
    if not path.exists():
        raise ReferenceDataError(f"缺少参考数据文件：{path}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(f"{path} 缺少列：{', '.join(missing)}")
        rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items()}) for row in reader]
    return _Rows(path, rows)


def read_regions(regions_dir: Path) -> list[Entry]:
    """gbt2260.csv, with county-seat coordinates from county_seats.csv merged in."""
    src = read_csv(regions_dir / "gbt2260.csv", ["code", "name", "short_name", "level", "parent"])
    entries = [_region_entry(src, line, row) for line, row in src.rows]
    _check_tree(src, entries, "province", lambda child, parent: _rank(parent) < _rank(child))
    by_code = {e.code: e for e in entries}
    seats = read_csv(regions_dir / "county_seats.csv", ["code", "latitude", "longitude"])
    for line, row in seats.rows:
        if row["code"] not in by_code:
            raise seats.fail(line, f"code「{row['code']}」不在 gbt2260.csv 中")
        by_code[row["code"]].values.update(_coordinates(seats, line, row, required=True))
    return entries


def _rank(level: str) -> int:
    return REGION_LEVELS.index(level)


def _region_entry(src: _Rows, line: int, row: dict[str, str]) -> Entry:
    if not re.fullmatch(r"\d{6}", row["code"]):
        raise src.fail(line, f"code「{row['code']}」不是 6 位数字区划代码")
    if row["level"] not in REGION_LEVELS:
        raise src.fail(line, f"level「{row['level']}」应为 {'/'.join(REGION_LEVELS)}")
    _require(src, line, row, "name")
    values = {"name": row["name"], "short_name": row["short_name"], "level": row["level"]}
    return Entry(row["code"], row["level"], row["parent"] or None, values)


def read_industries(path: Path) -> list[Entry]:
    src = read_csv(path, ["code", "name", "level", "parent"])
    entries = [_industry_entry(src, line, row) for line, row in src.rows]
    _check_tree(src, entries, 1, lambda child, parent: parent == child - 1)
    return entries


def _industry_entry(src: _Rows, line: int, row: dict[str, str]) -> Entry:
    level = int(row["level"]) if row["level"].isdigit() else None
    if level not in INDUSTRY_CODE_PATTERNS:
        raise src.fail(line, f"level「{row['level']}」应为 1 至 4")
    if not re.fullmatch(INDUSTRY_CODE_PATTERNS[level], row["code"]):
        raise src.fail(line, f"code「{row['code']}」与层级 {level} 不符")
    if level > 2 and not row["code"].startswith(row["parent"]):
        raise src.fail(line, f"code「{row['code']}」不以上级代码「{row['parent']}」开头")
    _require(src, line, row, "name")
    return Entry(row["code"], level, row["parent"] or None, {"name": row["name"], "level": level})


def read_parks(path: Path, region_codes: set[str]) -> list[Entry]:
    columns = ["code", "name", "short_name", "level", "region", "latitude", "longitude", "note"]
    src = read_csv(path, columns)
    entries = []
    for line, row in src.rows:
        if not re.fullmatch(r"[a-z0-9-]+", row["code"]):
            raise src.fail(line, f"code「{row['code']}」只能含小写字母、数字和连字符")
        if row["level"] not in ParkLevel.values:
            raise src.fail(line, f"level「{row['level']}」应为 {'/'.join(ParkLevel.values)}")
        if row["region"] not in region_codes:
            raise src.fail(line, f"region「{row['region']}」不是已知的区划代码")
        values = {k: row[k] for k in ("name", "short_name", "level", "note")}
        values.update(_coordinates(src, line, row, required=False))
        _require(src, line, row, "name", "short_name")
        entries.append(Entry(row["code"], row["level"], row["region"], values))
    return entries


def _coordinates(src: _Rows, line: int, row: dict[str, str], required: bool) -> dict:
    result = {}
    for key, limit in (("latitude", 90), ("longitude", 180)):
        text = row.get(key, "")
        if not text and not required:
            result[key] = None
            continue
        try:
            result[key] = float(text)
        except ValueError:
            raise src.fail(line, f"{key}「{text}」不是数字") from None
        if abs(result[key]) > limit:
            raise src.fail(line, f"{key}「{text}」超出范围")
    return result


def _require(src: _Rows, line: int, row: dict[str, str], *keys: str) -> None:
    for key in keys:
        if not row[key]:
            raise src.fail(line, f"{key} 不能为空")


def _check_tree(
    src: _Rows, entries: list[Entry], root: Any, fits: Callable[[Any, Any], bool]
) -> None:
    """Every parent exists in the same file, sits at a fitting level; only roots have none."""
    levels: dict[str, Any] = {}
    for (line, _), e in zip(src.rows, entries, strict=True):
        if e.code in levels:
            raise src.fail(line, f"code「{e.code}」重复")
        levels[e.code] = e.level
    for (line, _), e in zip(src.rows, entries, strict=True):
        if (e.parent is None) != (e.level == root):
            raise src.fail(line, "parent 不能为空" if e.parent is None else "顶层不应有 parent")
        if e.parent is not None and e.parent not in levels:
            raise src.fail(line, f"parent「{e.parent}」在文件中不存在")
        if e.parent is not None and not fits(e.level, levels[e.parent]):
            raise src.fail(line, f"parent「{e.parent}」的层级与本行不相称")
