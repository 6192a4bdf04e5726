"""Excel and Word exports: an event's signing list and briefing, and the periodic report.

Every number comes from reports.kpis (through briefing.event_report or kpi_figures), so the
files say exactly what the pages say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import IO

import xlsxwriter
from docx import Document

from chainvest.engine.text import Money
from chainvest.reports.briefing import EventReport, chinese_date
from chainvest.reports.kpis import (
    FIGURE_KEYS,
    Counted,
    Scope,
    cohort,
    counted_projects,
    kpi_figures,
)
from chainvest.spreadsheets import SAFE_STRINGS


def _yi(money: Money | None) -> float | str:
    """An amount in 亿元 for a cell: the lower bound, with “以上” / ranges left to the text."""
    if money is None or money.min_wan is None:
        return "-"
    return float(money.min_wan / Decimal(10_000))


class _Book:
    """An xlsxwriter workbook with the three cell formats the reports use."""

    def __init__(self, out: IO[bytes]) -> None:
        self.wb = xlsxwriter.Workbook(out, {"in_memory": True, **SAFE_STRINGS})
        self.title = self.wb.add_format({"bold": True, "font_size": 14})
        self.head = self.wb.add_format({"bold": True, "align": "center", "bg_color": "#f8f8f9"})
        self.wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})

    def close(self) -> None:
        self.wb.close()


def _workbook(out: IO[bytes]) -> _Book:
    return _Book(out)


def _sheet(book: _Book, title: str, heading: str, header: list[str], rows: list[list]) -> None:
    """A title row, a header row, the rows and a “共 N 条” summary row (UI.md §4)."""
    ws = book.wb.add_worksheet(title)
    ws.write_row(0, 0, [heading], book.title)
    ws.write_row(1, 0, header, book.head)
    for i, row in enumerate(rows, start=2):
        ws.write_row(i, 0, row)
    ws.write_row(len(rows) + 2, 0, [f"共 {len(rows)} 条"])
    ws.set_column(0, 0, 42)
    ws.set_column(1, len(header), 16)


def _figure_rows(figures: dict) -> list[list]:
    return [
        [f.label, f.display, _number(f.numerator), _number(f.denominator), f.definition]
        for f in (figures[k] for k in FIGURE_KEYS)
    ]


def _number(value) -> float | str:
    return "-" if value is None else float(value)


FIGURE_HEADER = ["指标", "数值", "分子", "分母", "定义（统计口径）"]
SIGNING_HEADER = [
    "项目名称",
    "所属县市",
    "行业领域",
    "投资方",
    "计入",
    "签约情况",
    "金额(亿元)",
    "项目阶段",
]


def event_xlsx(report: EventReport, out: IO[bytes]) -> None:
    """签约清单 (every signing at the event, re-signings flagged), 推进情况 and 简报."""
    wb = _workbook(out)
    e = report.event
    rows = [
        [
            r.project.name,
            r.project.county.name,
            r.project.industry or "-",
            r.project.investor_display or "-",
            "计入" if r.counted else ("重复签约" if "重复签约" in r.detail else "不计入"),
            r.detail,
            _yi(r.amount),
            r.project.get_stage_display(),
        ]  # fmt: skip
        for r in report.figures["signed"].rows
    ]
    _sheet(wb, "签约清单", f"{e.name}签约项目清单", SIGNING_HEADER, rows)
    heading = f"{e.name}签约项目推进情况（截至{chinese_date(report.as_of)}）"
    _sheet(wb, "推进情况", heading, FIGURE_HEADER, _figure_rows(report.figures))
    ws = wb.wb.add_worksheet("简报")
    ws.write(0, 0, f"{e.name}简报", wb.title)
    ws.write(1, 0, report.briefing, wb.wrap)
    ws.set_column(0, 0, 120)
    wb.close()


def event_docx(report: EventReport, out: IO[bytes]) -> None:
    """The leaders' briefing: the news-release text, the follow-through, the signing list."""
    doc = Document()
    doc.add_heading(f"{report.event.name}简报", level=1)
    doc.add_paragraph(report.briefing)
    doc.add_heading(f"签约项目推进情况（截至{chinese_date(report.as_of)}）", level=2)
    _docx_table(
        doc,
        ["指标", "数值", "定义"],
        [[f.label, f.display, f.definition] for f in report.follow_through],
    )
    doc.add_heading("签约项目清单", level=2)
    rows = [
        [
            r.project.name,
            r.project.county.name,
            r.project.industry or "-",
            r.detail,
            r.project.get_stage_display(),
        ]
        for r in report.figures["signed"].rows
    ]
    _docx_table(doc, ["项目名称", "所属县市", "行业领域", "签约情况", "项目阶段"], rows)
    doc.add_paragraph("注：同一项目只在首次签约时计入；重复签约只作标注，升级签约只计增加部分。")
    doc.save(out)


def _docx_table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)


# --- periodic report --------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[dt.date, dt.date, str]:
    """'2023-08' (a month) or '2023-Q3' (a quarter) → first day, last day, Chinese label."""
    try:
        year_text, part = period.split("-")
        year = int(year_text)
        if part.upper().startswith("Q"):
            quarter = int(part[1:])
            if not 1 <= quarter <= 4:
                raise ValueError
            first, months = dt.date(year, 3 * quarter - 2, 1), 3
            label = f"{year}年第{quarter}季度"
        else:
            first, months = dt.date(year, int(part), 1), 1
            label = f"{year}年{first.month}月"
    except ValueError:
        raise ValueError(f"报告期「{period}」应写成 2023-08（月）或 2023-Q3（季度）") from None
    nxt = dt.date(
        first.year + (first.month + months - 1) // 12, (first.month + months - 1) % 12 + 1, 1
    )
    return first, nxt - dt.timedelta(days=1), label


def _grouped(items: list[Counted], key: Callable[[Counted], str]) -> list[list]:
    groups: dict[str, list[Counted]] = {}
    for c in items:
        groups.setdefault(key(c), []).append(c)
    rows = []
    for label, group in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        money = Money(Decimal(0), Decimal(0), "")
        for c in group:
            money = money + c.investment
        started = sum(1 for c in group if "construction" in c.reached)
        rows.append([label, len(group), _yi(money), started, round(started / len(group) * 100, 1)])
    return rows


def periodic_xlsx(period: str, out: IO[bytes]) -> str:
    """Monthly or quarterly report: figures with definitions, then by county, chain and stage.

    The figures cover projects whose counting signing falls in the period; stages and funds
    are as of the period's last day. Returns the period's label.
    """
    first, last, label = period_bounds(period)
    counted, left_out = counted_projects(as_of=last)
    in_period = [c for c in cohort(counted, Scope()) if first <= c.signing.date <= last]
    figures = kpi_figures(Scope(date_from=first, date_to=last), last, counted=(counted, left_out))
    wb = _workbook(out)
    _sheet(
        wb,
        "指标",
        f"{label}招商引资统计（截至{chinese_date(last)}）",
        FIGURE_HEADER,
        _figure_rows(figures),
    )
    group_header = ["{}", "签约项目(个)", "协议投资额(亿元)", "已开工(个)", "开工率(%)"]
    for title, key in [
        ("县市", lambda c: c.project.county.name),
        ("产业链", lambda c: c.project.chain.name if c.project.chain_id else "未指定"),
        ("阶段", lambda c: c.project.get_stage_display()),
    ]:
        header = [group_header[0].format(title), *group_header[1:]]
        _sheet(wb, f"按{title}", f"{label}签约项目（按{title}）", header, _grouped(in_period, key))
    wb.close()
    return label
