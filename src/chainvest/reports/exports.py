"""Excel and Word exports: an event's signing list and briefing, and the periodic report.

Every number comes from reports.kpis (through briefing.event_report or kpi_figures), so the
files say exactly what the pages say.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO

import xlsxwriter
from docx import Document

from chainvest.engine.text import Money
from chainvest.reports.briefing import EventReport, chinese_date
from chainvest.reports.kpis import FIGURE_KEYS
from chainvest.reports.periodic import GroupRow, period_bounds, period_report
from chainvest.spreadsheets import SAFE_STRINGS

__all__ = ["event_docx", "event_xlsx", "period_bounds", "periodic_docx", "periodic_xlsx"]


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


def _group_rows(rows: list[GroupRow]) -> list[list]:
    return [[r.label, r.count, _yi(r.money), r.started, r.start_rate] for r in rows]


def periodic_xlsx(period: str, out: IO[bytes]) -> str:
    """Monthly or quarterly report: figures with definitions, then by county, park, chain and
    stage, then the briefing. Returns the period's label."""
    report = period_report(period)
    wb = _workbook(out)
    heading = f"{report.label}招商引资统计（截至{chinese_date(report.last)}）"
    _sheet(wb, "指标", heading, FIGURE_HEADER, _figure_rows(report.figures))
    for title, rows in report.groups.items():
        header = [title, "签约项目(个)", "协议投资额(亿元)", "已开工(个)", "开工率(%)"]
        _sheet(wb, f"按{title}", f"{report.label}签约项目（按{title}）", header, _group_rows(rows))
    ws = wb.wb.add_worksheet("简报")
    ws.write(0, 0, f"{report.label}招商引资工作简报", wb.title)
    for i, paragraph in enumerate(report.briefing, start=1):
        ws.write(i, 0, paragraph, wb.wrap)
    ws.set_column(0, 0, 120)
    wb.close()
    return report.label


def periodic_docx(period: str, out: IO[bytes]) -> str:
    """The leaders' monthly / quarterly briefing: text, figures with definitions, groupings."""
    report = period_report(period)
    doc = Document()
    doc.add_heading(f"{report.label}招商引资工作简报", level=1)
    for paragraph in report.briefing:
        doc.add_paragraph(paragraph)
    doc.add_heading(f"主要指标（截至{chinese_date(report.last)}）", level=2)
    _docx_table(
        doc,
        ["指标", "数值", "定义"],
        [[f.label, f.display, f.definition] for f in (report.figures[k] for k in FIGURE_KEYS)],
    )
    for title, rows in report.groups.items():
        doc.add_heading(f"按{title}", level=2)
        _docx_table(
            doc,
            [title, "签约项目(个)", "协议投资", "已开工(个)", "开工率"],
            [
                [r.label, r.count, r.money.describe(), r.started, f"{r.start_rate:.1f}%"]
                for r in rows
            ],
        )
    doc.add_paragraph(
        "注：统计本期内首次签约（计入签约）的项目；项目阶段和资金到位情况截至报告期末。"
    )
    doc.save(out)
    return report.label


INVITATION_HEADER = [
    "企业名称",
    "所在地区",
    "来源",
    "拟补环节",
    "邀请理由",
    "状态",
    "责任人",
    "活动现场签约",
]


def invitations_xlsx(event, outcome, out: IO[bytes]) -> None:
    """邀请名单 (one row per invitee, whether it signed at the event) and 统计 (status counts and
    the conversion), all from the records as the event page shows them."""
    wb = _workbook(out)
    rows = [
        [
            i.enterprise.name,
            i.enterprise.region.name if i.enterprise.region_id else "-",
            i.get_source_display(),
            f"{i.link.chain.name}·{i.link.name}" if i.link_id else "-",
            i.reason or "-",
            i.get_status_display(),
            (i.officer.get_full_name() or i.officer.username) if i.officer_id else "-",
            "是" if signed else "否",
        ]
        for i, signed in outcome.rows
    ]
    _sheet(wb, "邀请名单", f"{event.name}邀请名单", INVITATION_HEADER, rows)
    stats = [[label, count] for _, label, count in outcome.counts]
    stats += [["邀请企业合计", outcome.total], ["现场签约企业", outcome.signed]]
    stats.append(["签约转化率（签约企业÷邀请企业）", outcome.rate_text])
    _sheet(wb, "统计", f"{event.name}邀请情况统计", ["项目", "数值"], stats)
    wb.close()
