"""Vendor-style files for the import tests, written into tmp_path (no test functions here)."""

from __future__ import annotations

import csv
from pathlib import Path

from chainvest.engine.text import uscc_check_char
from chainvest.regions.models import IndustryCode, IndustryLevel

HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "注册资本",
    "成立日期",
    "登记状态",
    "所属省份",
    "所属城市",
    "所属区县",
    "企业(机构)类型",
    "国标行业门类",
    "国标行业大类",
    "参保人数",
    "经营范围",
    "曾用名",
]


def uscc(n: int, region: str = "652301") -> str:
    first17 = f"91{region}{n:09d}"
    return first17 + uscc_check_char(first17)


def row(n: int = 1, **changes: str) -> dict[str, str]:
    """A good row; keyword names are the Chinese headers with （）→ _ for the odd ones."""
    values = {
        "企业名称": f"昌吉测试新材料有限公司{n}",
        "统一社会信用代码": uscc(n),
        "法定代表人": "张三",
        "注册资本": "100万元",
        "成立日期": "2015-06-01",
        "登记状态": "存续",
        "所属省份": "新疆维吾尔自治区",
        "所属城市": "昌吉回族自治州",
        "所属区县": "昌吉市",
        "企业(机构)类型": "有限责任公司(自然人投资或控股)",
        "国标行业门类": "制造业",
        "国标行业大类": "非金属矿物制品业",
        "参保人数": "25",
        "经营范围": "新型建筑材料制造；水泥制品销售",
        "曾用名": "-",
    }
    values.update(changes)
    return values


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    headers: list[str] | None = None,
    encoding: str = "utf-8",
    title_lines: list[str] = (),
) -> Path:
    headers = headers or (list(rows[0]) if rows else HEADERS)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        for line in title_lines:
            writer.writerow([line])
        writer.writerow(headers)
        for values in rows:
            writer.writerow([values.get(h, "") for h in headers])
    return path


def write_xlsx(
    path: Path, rows: list[list], *, headers: list[str], title_lines: list[str] = ()
) -> Path:
    """Rows as given (strings, numbers, dates or '=formulas'); openpyxl writes no cached values."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in title_lines:
        sheet.append([line])
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def industries() -> None:
    """The few GB/T 4754 entries the sample rows name."""
    c, _ = IndustryCode.objects.get_or_create(
        code="C", defaults={"name": "制造业", "level": IndustryLevel.SECTION}
    )
    d30, _ = IndustryCode.objects.get_or_create(
        code="30",
        defaults={"name": "非金属矿物制品业", "level": IndustryLevel.DIVISION, "parent": c},
    )
    g302, _ = IndustryCode.objects.get_or_create(
        code="302", defaults={"name": "石膏、水泥制品及类似制品制造", "level": 3, "parent": d30}
    )
    IndustryCode.objects.get_or_create(
        code="3021", defaults={"name": "水泥制品制造", "level": 4, "parent": g302}
    )
