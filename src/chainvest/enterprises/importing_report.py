"""Files an import hands back: the row-by-row error report and the rejected rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from chainvest.enterprises.importing_rows import RowError
from chainvest.spreadsheets import SAFE_STRINGS

REPORT_HEADERS = ["序号", "行号", "列名", "值", "错误说明"]


def write_error_report(errors: Iterable[RowError], path: Path) -> Path:
    """An .xlsx with one line per problem; every cell written as text, never as a formula."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, **SAFE_STRINGS})
    sheet = book.add_worksheet("错误明细")
    bold = book.add_format({"bold": True, "bg_color": "#F2F6FC", "border": 1})
    for col, (title, width) in enumerate(zip(REPORT_HEADERS, [6, 8, 20, 30, 60], strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, bold)
    for line, error in enumerate(errors, start=1):
        sheet.write_number(line, 0, line)
        sheet.write_number(line, 1, error.row)
        sheet.write_string(line, 2, error.column)
        sheet.write_string(line, 3, error.value)
        sheet.write_string(line, 4, error.message)
    book.close()
    return path


def write_rejects(
    headers: list[str], rejected: list[tuple[int, list[str], list[RowError]]], path: Path
) -> Path:
    """The rejected rows as they were in the file, with their row number and what was wrong."""
    path.parent.mkdir(parents=True, exist_ok=True)
    titles = ["原行号", *headers, "错误说明"]
    lines = (
        [number, *cells, "；".join(f"【{e.column}】{e.message}" for e in errors)]
        for number, cells, errors in rejected
    )
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(titles)
            writer.writerows(lines)
        return path
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, **SAFE_STRINGS})
    sheet = book.add_worksheet("未导入的行")
    for col, title in enumerate(titles):
        sheet.write_string(0, col, title)
    for row, values in enumerate(lines, start=1):
        sheet.write_number(row, 0, values[0])
        for col, value in enumerate(values[1:], start=1):
            sheet.write_string(row, col, str(value))
    book.close()
    return path


def template_xlsx(headers: list[str]) -> bytes:
    """An empty import template: the header row the importer recognises."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **SAFE_STRINGS})
    sheet = book.add_worksheet("企业名录")
    bold = book.add_format({"bold": True, "bg_color": "#F2F6FC", "border": 1})
    for col, title in enumerate(headers):
        sheet.write_string(0, col, title, bold)
        sheet.set_column(col, col, max(12, len(title) * 2 + 2))
    book.close()
    return buffer.getvalue()
