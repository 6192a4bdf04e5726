"""Row validation for enterprise imports: every cell is checked, every problem named in Chinese.

A row becomes a dict of Enterprise attributes holding only what the file says (empty cells and
"-" are left out, so a re-import never blanks a value the file does not know). Region and
industry names are resolved against in-memory tables built once per import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import itemgetter, mul
from typing import Any

from chainvest.engine.names import name_key
from chainvest.engine.text import USCC_ALPHABET, USCC_WEIGHTS, USCCError, validate_uscc
from chainvest.enterprises.importing_read import FIELDS, Columns
from chainvest.regions.models import IndustryCode, Region, RegionLevel

EMPTY = frozenset({"", "-", "--", "—", "/", "无", "null", "NULL", "None"})
MAX_WAN = Decimal(10) ** 14  # the column holds 18 digits with 4 decimals
LENGTHS = {
    "name": 200,
    "legal_representative": 100,
    "enterprise_type": 100,
    "address": 300,
    "status": 32,
}
CNY_WORDS = {"", "元", "人民币", "元人民币", "人民币元", "RMB", "CNY"}
CURRENCIES = {
    "美元": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
    "澳元": "AUD",
    "澳大利亚元": "AUD",
    "加元": "CAD",
    "加拿大元": "CAD",
    "新加坡元": "SGD",
    "瑞士法郎": "CHF",
    "韩元": "KRW",
    "新台币": "TWD",
    "澳门元": "MOP",
}
_CAPITAL = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万|亿)?\s*(.*)")
_DATE = re.compile(r"(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))(?:[ T].*)?")
_COUNT = re.compile(r"(\d+)(?:\.0+)?\s*人?")
_SPLIT_NAMES = re.compile(r"[；;,，、|\n\r]+")
# Vendors put this in 所属城市 for county-level cities under a province (石河子市, 仙桃市).
NO_CITY = {"省直辖县级行政区划", "自治区直辖县级行政区划", "直辖县级行政区划", "省直辖县", "县"}
LISTED_YES = {"是", "上市", "已上市", "Y", "YES", "TRUE", "1"}
LISTED_NO = {"否", "未上市", "不上市", "N", "NO", "FALSE", "0"}
INDUSTRY_LEVELS = [  # most specific first
    ("industry_class", 4),
    ("industry_group", 3),
    ("industry_division", 2),
    ("industry_section", 1),
]


NUL_SYMBOL = "\u2400"  # ␀
NUL_MESSAGE = "含有空字符（\\0），文件可能已损坏，请检查该单元格"


class CellError(ValueError):
    """What is wrong with one cell, in Chinese."""


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in the spreadsheet
    column: str  # the file's own header
    value: str
    message: str

    def __post_init__(self) -> None:
        # PostgreSQL stores no NUL in text or JSON: the report shows it as the ␀ symbol.
        if "\x00" in self.value:
            object.__setattr__(self, "value", self.value.replace("\x00", NUL_SYMBOL))

    def line(self) -> str:
        value = f"「{self.value}」" if self.value else ""
        return f"第 {self.row} 行【{self.column}】{value}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


# --- single cells --------------------------------------------------------------------------


def _text(attr: str, limit: int | None) -> Callable[[str, dict], None]:
    def parse(value: str, rec: dict) -> None:
        if limit and len(value) > limit:
            raise CellError(f"长度为 {len(value)} 个字，超过上限 {limit} 个字")
        rec[attr] = value

    return parse


def parse_name(value: str, rec: dict) -> None:
    if len(value) > LENGTHS["name"]:
        raise CellError(f"长度为 {len(value)} 个字，超过上限 {LENGTHS['name']} 个字")
    rec["name"] = value
    rec["name_key"] = name_key(value)


def parse_uscc(value: str, rec: dict) -> None:
    # Fast path for the usual, already clean code; anything else goes through validate_uscc,
    # which normalises full-width and lower-case input and words the error.
    if _CLEAN_USCC.fullmatch(value):
        total = sum(map(mul, map(_USCC_VALUE.__getitem__, value[:17]), USCC_WEIGHTS))
        if value[17] == USCC_ALPHABET[(31 - total % 31) % 31]:
            rec["uscc"] = value
            return
    try:
        rec["uscc"] = validate_uscc(value)
    except USCCError as exc:
        raise CellError(str(exc)) from None


_CLEAN_USCC = re.compile(f"[{USCC_ALPHABET}]{{18}}")
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}


def read_capital(value: str) -> tuple[Decimal | None, str]:
    """'100万元' → (100, CNY); '1.5亿元' → (15000, CNY); '200万美元' → (None, USD).

    A bare number is 万元, the vendors' convention for these columns.
    """
    match = _CAPITAL.fullmatch(value.replace(" ", ""))
    rest = match.group(3).strip("()（）") if match else None
    currency = "CNY" if rest in CNY_WORDS else CURRENCIES.get((rest or "").removeprefix("元"))
    if match is None or currency is None:
        raise CellError("无法识别的金额，应写成“100万元”“1.5亿元”“200万美元”等形式")
    if currency != "CNY":
        return None, currency
    try:
        number = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        raise CellError("无法识别的金额数字") from None
    unit = match.group(2)
    if unit == "亿":
        number *= 10000
    elif unit is None and rest and rest.startswith("元"):
        number /= 10000  # written in 元
    if number >= MAX_WAN:
        raise CellError("金额过大")
    return number.quantize(Decimal("0.0001")), currency


def parse_registered_capital(value: str, rec: dict) -> None:
    wan, currency = read_capital(value)
    if len(value) > 64:
        raise CellError("长度超过上限 64 个字")
    rec["registered_capital_wan"] = wan
    rec["registered_capital_text"] = value
    rec["registered_capital_currency"] = currency


def parse_paid_in_capital(value: str, rec: dict) -> None:
    wan, _ = read_capital(value)
    if wan is not None:  # a foreign-currency figure has no 万元 value to store
        rec["paid_in_capital_wan"] = wan


def read_date(value: str, today: dt.date | None = None) -> dt.date:
    match = _DATE.fullmatch(value)
    if not match:
        raise CellError("无法识别的日期，应写成 2020-01-31 这样的格式")
    year, month, day = match.group(1), match.group(2) or match.group(4), match.group(3)
    try:
        date = dt.date(int(year), int(month), int(day or match.group(5)))
    except ValueError:
        raise CellError("日期不存在") from None
    if date > (today or dt.date.today()):
        raise CellError("成立日期晚于今天")
    if date.year < 1800:
        raise CellError("成立日期早于 1800 年")
    return date


def parse_established_date(value: str, rec: dict) -> None:
    rec["established_date"] = read_date(value)


def parse_insured_count(value: str, rec: dict) -> None:
    if value.isascii() and value.isdigit() and len(value) < 10:  # the usual plain count
        rec["insured_count"] = int(value)
        return
    match = _COUNT.fullmatch(value)
    if not match or int(match.group(1)) > 2_000_000_000:
        raise CellError("参保人数应为不小于 0 的整数")
    rec["insured_count"] = int(match.group(1))


def parse_former_names(value: str, rec: dict) -> None:
    names = [n.strip() for n in _SPLIT_NAMES.split(value)]
    rec["former_names"] = list(dict.fromkeys(n for n in names if n and n not in EMPTY))


def parse_is_listed(value: str, rec: dict) -> None:
    upper = value.upper()
    if upper in LISTED_YES:
        rec["is_listed"] = True
    elif upper in LISTED_NO or "未" in value or "退市" in value or "终止" in value:
        rec["is_listed"] = False
    elif "上市" in value or "挂牌" in value:
        rec["is_listed"] = True  # 上市状态 columns say where: "A股上市", "新三板挂牌"
    else:
        raise CellError("应为“是”或“否”")


PARSERS: dict[str, Callable[[str, dict], None]] = {
    "name": parse_name,
    "uscc": parse_uscc,
    "legal_representative": _text("legal_representative", LENGTHS["legal_representative"]),
    "registered_capital": parse_registered_capital,
    "paid_in_capital": parse_paid_in_capital,
    "established_date": parse_established_date,
    "status": _text("status", LENGTHS["status"]),
    "enterprise_type": _text("enterprise_type", LENGTHS["enterprise_type"]),
    "insured_count": parse_insured_count,
    "address": _text("address", LENGTHS["address"]),
    "business_scope": _text("business_scope", None),
    "former_names": parse_former_names,
    "is_listed": parse_is_listed,
}


def _cached(parse: Callable[[str, dict], None]) -> Callable[[str, dict], None]:
    """Capital and dates repeat across a pool; parse each distinct text once."""
    memo: dict[str, dict | CellError] = {}

    def cached(value: str, rec: dict) -> None:
        found = memo.get(value)
        if found is None:
            found = {}
            try:
                parse(value, found)
            except CellError as exc:
                found = exc
            if len(memo) < 200_000:
                memo[value] = found
        if isinstance(found, CellError):
            raise found
        rec.update(found)

    return cached


# --- places and industries -----------------------------------------------------------------


class Places:
    """Province / city / county names → Region ids, built from the Region table once."""

    def __init__(self) -> None:
        rows = Region.objects.values_list("id", "code", "name", "short_name", "level", "parent_id")
        self.by_id = {r[0]: r for r in rows}
        self.provinces: dict[str, int] = {}
        self.children: dict[tuple[int | None, str], int] = {}
        self.anywhere: dict[tuple[str, str], list[int]] = {}
        for rid, _code, name, short, level, parent in self.by_id.values():
            for label in {name, short} - {""}:
                if level == RegionLevel.PROVINCE:
                    self.provinces[label] = rid
                self.children[(parent, label)] = rid
                self.anywhere.setdefault((level, label), []).append(rid)
        self.memo: dict[tuple[str, str, str], tuple[int | None, str, str]] = {}

    def resolve(self, province: str, city: str, county: str) -> tuple[int | None, str, str]:
        """(region id, "", "") or (None, failing field, message); memoised per name triple."""
        key = (province, city, county)
        if key not in self.memo:
            try:
                self.memo[key] = (self._resolve(province, city, county), "", "")
            except _PlaceError as exc:
                self.memo[key] = (None, exc.field, exc.message)
        return self.memo[key]

    def _resolve(self, province: str, city: str, county: str) -> int | None:
        p = self._province(province) if province else None
        direct = self._directly_under(p, city)
        if direct and county in ("", city):
            return direct  # 省直辖县级 units (仙桃市, 北屯市): vendors write them as the city
        c = self._city(p, province, city) if city else None
        if not county:
            return c or p
        return self._county(p, c, county, city or province)

    def _directly_under(self, p: int | None, name: str) -> int | None:
        found = self.children.get((p, name)) if p and name else None
        return found if found and self.by_id[found][4] == RegionLevel.COUNTY else None

    def _province(self, name: str) -> int:
        found = self.provinces.get(name)
        if found is None:
            raise _PlaceError("province", "未知的省份")
        return found

    def _city(self, p: int | None, province: str, name: str) -> int | None:
        if name in NO_CITY or (p and name in self._labels(p)):
            return None  # 北京市 / 北京市 / 东城区: the municipality itself, no city level
        if p:
            found = self.children.get((p, name))
            if found is None or self.by_id[found][4] != RegionLevel.CITY:
                raise _PlaceError("city", f"不是{province}的下辖城市")
            return found
        return self._unique(RegionLevel.CITY, name, "city", "城市")

    def _county(self, p: int | None, c: int | None, name: str, within: str) -> int:
        parent = c or p
        if parent is None:
            return self._unique(RegionLevel.COUNTY, name, "county", "区县")
        found = self.children.get((parent, name))
        if found is None and c is None:  # a county of a province given without its city
            prefix = self.by_id[p][1][:2]
            matches = [r for r in self.anywhere.get((RegionLevel.COUNTY, name), [])]
            matches = [r for r in matches if self.by_id[r][1].startswith(prefix)]
            found = matches[0] if len(matches) == 1 else None
        if found is None or self.by_id[found][4] != RegionLevel.COUNTY:
            known = self.anywhere.get((RegionLevel.COUNTY, name))
            raise _PlaceError("county", f"不在{within}内" if known else "未知的区县")
        return found

    def _unique(self, level: str, name: str, field: str, label: str) -> int:
        matches = self.anywhere.get((level, name), [])
        if not matches:
            raise _PlaceError(field, f"未知的{label}")
        if len(matches) > 1:
            raise _PlaceError(field, f"{label}名称不唯一，请同时填写所属省份和城市")
        return matches[0]

    def _labels(self, rid: int) -> set[str]:
        row = self.by_id[rid]
        return {row[2], row[3]} - {""}


class _PlaceError(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message


class Industries:
    """GB/T 4754 names (unique within a level) or codes → IndustryCode ids."""

    def __init__(self) -> None:
        self.by_level: dict[int, dict[str, int]] = {1: {}, 2: {}, 3: {}, 4: {}}
        for rid, code, name, level in IndustryCode.objects.values_list(
            "id", "code", "name", "level"
        ):
            self.by_level[level][name] = rid
            self.by_level[level][code] = rid

    def resolve(self, level: int, value: str) -> int | None:
        found = self.by_level[level].get(value)
        if found is None and level > 1 and value[:1].isalpha():
            found = self.by_level[level].get(value[1:])  # "C3415": section letter + code
        return found


# --- whole rows ----------------------------------------------------------------------------


class RowChecker:
    """Checks one row at a time; keeps what it needs to find duplicates inside the file."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self.headers = columns.headers
        self.cells = [
            (pos, _cached(PARSERS[key]) if key in _MEMO else PARSERS[key])
            for key, pos in columns.index.items()
            if key in PARSERS
        ]
        self.place_pos = [columns.index.get(k) for k in ("province", "city", "county")]
        index = columns.index
        self.industry_pos = [(k, lvl, index[k]) for k, lvl in INDUSTRY_LEVELS if k in index]
        self.places = Places() if any(p is not None for p in self.place_pos) else None
        self.industries = Industries() if self.industry_pos else None
        self.seen_uscc: dict[str, int] = {}
        self.seen_name: dict[str, int] = {}
        self.width = len(self.headers)
        self.place_keys = [k for k in ("province", "city", "county") if k in index]
        self.place_cells = _cells_getter([index[k] for k in self.place_keys])
        self.industry_cells = _cells_getter([pos for _, _, pos in self.industry_pos])
        self.place_memo: dict[tuple[str, ...], int | tuple[str, str, str]] = {}
        self.industry_memo: dict[tuple[str, ...], int | tuple[str, str, str]] = {}

    def check(self, number: int, cells: list[str]) -> tuple[dict, list[RowError]]:
        rec: dict = {}
        errors: list[RowError] = []
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))  # short rows: no bounds checks below
        for pos, parse in self.cells:
            value = cells[pos].strip()
            if value in EMPTY:
                continue
            if "\x00" in value:  # a damaged file; PostgreSQL could not store it either
                errors.append(RowError(number, self.headers[pos], value, NUL_MESSAGE))
                continue
            try:
                parse(value, rec)
            except CellError as exc:
                errors.append(RowError(number, self.headers[pos], value, exc.args[0]))
        if "name" not in rec:
            errors.append(RowError(number, self._header("name"), "", "企业名称不能为空"))
        if self.places:
            self._place(number, cells, rec, errors)
        if self.industries:
            self._industry(number, cells, rec, errors)
        if not errors:
            self._unique_in_file(number, rec, errors)
        return rec, errors

    def _value(self, cells: list[str], pos: int | None) -> str:
        return "" if pos is None else _clean(cells[pos])

    def _header(self, key: str) -> str:
        pos = self.columns.index.get(key)
        return self.headers[pos] if pos is not None else FIELDS[key]

    def _place(self, number: int, cells: list[str], rec: dict, errors: list[RowError]) -> None:
        # A pool repeats a few thousand places: the outcome is memoised on the raw cells.
        raw = self.place_cells(cells)
        found = self.place_memo.get(raw)
        if found is None:
            found = self.place_memo[raw] = self._resolve_place(raw)
        if isinstance(found, tuple):
            errors.append(RowError(number, *found))
        elif found:
            rec["region_id"] = found

    def _resolve_place(self, raw: tuple[str, ...]) -> int | tuple[str, str, str]:
        """The region id, 0 when no place is given, or (header, value, message) of the error."""
        given = dict(zip(self.place_keys, raw, strict=True))
        names = [_clean(given.get(key, "")) for key in ("province", "city", "county")]
        if not any(names):
            return 0
        region, field, message = self.places.resolve(*names)
        if region is None:
            value = names[["province", "city", "county"].index(field)]
            return (self._header(field), value, message)
        return region

    def _industry(self, number: int, cells: list[str], rec: dict, errors: list[RowError]) -> None:
        raw = self.industry_cells(cells)
        found = self.industry_memo.get(raw)
        if found is None:
            found = self.industry_memo[raw] = self._resolve_industry(cells)
        if isinstance(found, tuple):
            errors.append(RowError(number, *found))
        elif found:
            rec["industry_id"] = found

    def _resolve_industry(self, cells: list[str]) -> int | tuple[str, str, str]:
        """The most specific level given counts: its id, 0 for none, or the error."""
        for key, level, pos in self.industry_pos:
            value = self._value(cells, pos)
            if not value:
                continue
            found = self.industries.resolve(level, value)
            if found is None:
                message = f"未知的{FIELDS[key]}名称（应为 GB/T 4754-2017 中的名称）"
                return (self.headers[pos], value, message)
            return found
        return 0

    def _unique_in_file(self, number: int, rec: dict, errors: list[RowError]) -> None:
        uscc = rec.get("uscc")
        if uscc:
            first = self.seen_uscc.setdefault(uscc, number)
            if first != number:
                message = f"与第 {first} 行的统一社会信用代码重复"
                errors.append(RowError(number, self._header("uscc"), uscc, message))
            return
        first = self.seen_name.setdefault(rec["name_key"], number)
        if first != number:
            message = f"与第 {first} 行企业名称相同，且都没有统一社会信用代码"
            errors.append(RowError(number, self._header("name"), rec["name"], message))


def _clean(cell: str) -> str:
    value = cell.strip()
    return "" if value in EMPTY else value


def _cells_getter(positions: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A row's cells at `positions` as a tuple, by C-level itemgetter (it runs once per row)."""
    if len(positions) < 2:
        return lambda cells: tuple(cells[pos] for pos in positions)
    return itemgetter(*positions)


_MEMO = {"registered_capital", "paid_in_capital", "established_date"}
