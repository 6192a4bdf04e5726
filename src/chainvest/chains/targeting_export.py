"""The target list of a link as an .xlsx workbook: one row a target, its parts and reasons."""

from __future__ import annotations

import datetime as dt
import io

from chainvest.chains.targeting import Target, TargetList
from chainvest.engine.targeting import PART_LABELS, PARTS
from chainvest.spreadsheets import SAFE_STRINGS

HEADERS = [
    "排名",
    "企业名称",
    "所在地区",
    "得分",
    *(PART_LABELS[p] for p in PARTS),
    "注册资本(万元)",
    "状态",
    "推荐理由",
]


def _row(t: Target) -> list:
    parts = [t.contributions[p] for p in PARTS]
    status = t.status or "新目标"
    capital = t.capital_wan
    return [t.rank, t.name, t.region, t.score, *parts, capital, status, "".join(t.reasons)]


def targets_xlsx(result: TargetList, when: dt.datetime) -> bytes:
    """Sheet 招商目标 (new targets) then 已对接 (already engaged or in the pipeline)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **SAFE_STRINGS})
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#F8F8F9", "border": 1})
    num = book.add_format({"num_format": "0.0"})
    link = result.link
    title = f"{link.chain.name}·{link.name} 招商目标（导出时间：{when:%Y-%m-%d %H:%M:%S}）"
    weights = "；".join(f"{PART_LABELS[p]} {result.weights[p]:.0f}" for p in PARTS)
    for name, targets in (("招商目标", result.targets), ("已对接", result.known)):
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, title, bold)
        sheet.write_string(1, 0, f"权重：{weights}；候选企业 {result.candidates} 家")
        for col, text in enumerate(HEADERS):
            sheet.write_string(2, col, text, head)
        for r, target in enumerate(targets, start=3):
            for col, value in enumerate(_row(target)):
                if value is None:
                    sheet.write_string(r, col, "-")
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, col, value, num)
                else:
                    sheet.write_string(r, col, str(value))
        sheet.write_string(len(targets) + 3, 0, f"共 {len(targets)} 条")
        sheet.set_column(1, 1, 36)
        sheet.set_column(len(HEADERS) - 1, len(HEADERS) - 1, 80)
        sheet.freeze_panes(3, 2)
    book.close()
    return buffer.getvalue()
