"""Writes of the indicators app: one figure entered in a form, or a whole file imported.

Both validate every value first and change nothing when anything is wrong; an import's errors
name the row and the column, the way the bureau's staff look for them in the spreadsheet.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from openpyxl import load_workbook

from chainvest.accounts.permissions import can_write_indicators, require
from chainvest.indicators.models import (
    UNITS,
    EconomicIndicator,
    Period,
    indicator_from_text,
    parse_period,
)
from chainvest.regions.models import Region

COLUMNS = ["地区", "期间", "指标", "数值", "来源"]
DEMO_COLUMN = "示例"  # optional: 是 marks an illustrative row, shown with 示例
YES = {"是", "1", "y", "yes", "true", "示例"}
FORBIDDEN = "只有系统管理员和招商分析员可以录入经济指标"


def allowed_regions():
    """The home prefecture and its counties: the places whose figures the panel shows."""
    code = settings.HOME_REGION_CODE
    return Region.objects.filter(Q(code=code) | Q(parent__code=code)).order_by("code")


def _region(text: str) -> Region | None:
    text = str(text).strip()
    if not text:
        return None
    return allowed_regions().filter(Q(name=text) | Q(short_name=text) | Q(code=text)).first()


def _number(value, unit: str) -> Decimal:
    """A cell's number: 1013.27, '1,013.27', '30.6%', '262.4亿元' (its own unit only)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value or "").strip().replace(",", "").replace("，", "")
    if unit and text.endswith(unit):
        text = text[: -len(unit)].strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"数值「{value}」不是数字（单位{unit}）") from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValueError(f"数值「{value}」超出范围")
    return number.quantize(Decimal("0.01"))


@dataclass
class Entry:
    region: Region
    period: Period
    indicator: str
    value: Decimal
    source: str
    is_demo: bool = False

    @property
    def key(self) -> tuple:
        return (self.region.pk, self.indicator, self.period)

    def exists(self) -> bool:
        p = self.period
        return EconomicIndicator.objects.filter(
            region=self.region,
            indicator=self.indicator,
            year=p.year,
            period_kind=p.kind,
            period_number=p.number,
        ).exists()

    def build(self, user, is_demo: bool) -> EconomicIndicator:
        p = self.period
        return EconomicIndicator(
            region=self.region,
            indicator=self.indicator,
            year=p.year,
            period_kind=p.kind,
            period_number=p.number,
            value=self.value,
            unit=UNITS[self.indicator],
            source=self.source,
            is_demo=is_demo or self.is_demo,
            created_by=user if getattr(user, "pk", None) else None,
        )


def check_entry(values: dict) -> tuple[Entry | None, dict[str, str]]:
    """Values keyed by the column names → an Entry, or the error of each bad column."""
    errors: dict[str, str] = {}
    region = _region(values.get("地区", ""))
    if region is None:
        errors["地区"] = f"未知的地区「{values.get('地区', '')}」（应为本州或所辖县市）"
    try:
        period = parse_period(values.get("期间", ""))
    except ValueError as exc:
        errors["期间"], period = str(exc), None
    indicator = indicator_from_text(str(values.get("指标", "")))
    if indicator is None:
        known = "、".join(
            label for _, label in EconomicIndicator._meta.get_field("indicator").choices
        )
        errors["指标"] = f"未知的指标「{values.get('指标', '')}」（可选：{known}）"
    value = None
    try:
        value = _number(values.get("数值"), UNITS.get(indicator, ""))
    except ValueError as exc:
        errors["数值"] = str(exc)
    source = str(values.get("来源") or "").strip()
    if not source:
        errors["来源"] = "请注明数据来源（如统计公报、新闻报道及其日期）"
    elif len(source) > 300:
        errors["来源"] = "来源不超过300字"
    if errors:
        return None, errors
    return Entry(region, period, indicator, value, source), {}


@transaction.atomic
def record_indicator(user, values: dict, is_demo: bool = False) -> EconomicIndicator:
    """Enter one figure; a figure for the same region, indicator and period is an error."""
    require(can_write_indicators(user), FORBIDDEN)
    entry, errors = check_entry(values)
    if errors:
        raise ValidationError(errors)
    if entry.exists():
        raise ValidationError({"期间": f"{entry.region}{entry.period.label}的该指标已录入"})
    row = entry.build(user, is_demo)
    row.save()
    return row


# --- import -----------------------------------------------------------------------------------


def read_table(name: str, content: bytes) -> list[list]:
    """The rows of an .xlsx (first sheet) or .csv (UTF-8 or GBK) file, as cell values."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a damaged file
            raise ValidationError("无法读取该 .xlsx 文件，请确认文件未损坏") from None
        return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    if suffix == ".csv":
        for encoding in ("utf-8-sig", "gbk"):
            try:
                return list(csv.reader(io.StringIO(content.decode(encoding))))
            except UnicodeDecodeError:
                continue
        raise ValidationError("无法识别 .csv 文件的编码，请另存为 UTF-8")
    raise ValidationError("只能导入 .xlsx 或 .csv 文件")


def _blank(row: list) -> bool:
    return all(c is None or str(c).strip() == "" for c in row)


def _header(rows: list[list]) -> dict[str, int]:
    if not rows:
        raise ValidationError("文件是空的")
    header = [str(c or "").strip() for c in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError(f"第1行缺少列：{'、'.join(missing)}（应为 {','.join(COLUMNS)}）")
    return {c: header.index(c) for c in [*COLUMNS, DEMO_COLUMN] if c in header}


def check_rows(rows: list[list]) -> tuple[list[Entry], list[str]]:
    """Every data row checked; errors read 第3行「数值」列：… in the file's own numbering."""
    where = _header(rows)
    entries, errors, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if _blank(row):
            continue
        cells = {c: (row[i] if i < len(row) else None) for c, i in where.items()}
        entry, bad = check_entry(cells)
        if entry is not None:
            entry.is_demo = str(cells.get(DEMO_COLUMN) or "").strip().lower() in YES
        errors += [f"第{number}行「{column}」列：{message}" for column, message in bad.items()]
        if entry is None:
            continue
        if entry.key in seen:
            errors.append(
                f"第{number}行「期间」列：与第{seen[entry.key]}行重复（同一地区、指标和期间）"
            )
        elif entry.exists():
            errors.append(
                f"第{number}行「期间」列：{entry.region}{entry.period.label}的该指标已录入"
            )
        seen.setdefault(entry.key, number)
        entries.append(entry)
    if not entries and not errors:
        errors.append("文件中没有数据行")
    return entries, errors


@transaction.atomic
def import_indicators(user, name: str, content: bytes, is_demo: bool = False) -> int:
    """Import a 地区,期间,指标,数值,来源 file: all rows, or none if any row is wrong."""
    require(can_write_indicators(user), FORBIDDEN)
    entries, errors = check_rows(read_table(name, content))
    if errors:
        raise ValidationError(errors)
    EconomicIndicator.objects.bulk_create([e.build(user, is_demo) for e in entries])
    return len(entries)


def load_demo_indicators(path: Path) -> int:
    """The demo's figures (published ones with their source, illustrative ones marked 示例);
    a rerun adds only rows not yet there."""
    entries, errors = check_rows(read_table(path.name, path.read_bytes()))
    stale = [e for e in errors if "已录入" not in e]
    if stale:
        raise ValidationError(stale)
    fresh = [e for e in entries if not e.exists()]
    EconomicIndicator.objects.bulk_create([e.build(None, False) for e in fresh])
    return len(fresh)
