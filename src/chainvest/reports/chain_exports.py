"""The chain diagnosis as an .xlsx workbook and as a printable .docx report for leaders.

Every figure is copied from the diagnosis as it is; nothing is recomputed here.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from chainvest.chains.diagnosis import ChainDiagnosis
from chainvest.reports.chains import STATUSES, percent, stage_label, status_counts, status_label
from chainvest.spreadsheets import SAFE_STRINGS

CHAIN_HEADERS = [
    "产业链代码", "产业链", "完整度", "本地配套率", "建议", "链长", "链主企业",
    *(status_label(s) + "(个)" for s in STATUSES),
]  # fmt: skip
LINK_HEADERS = [
    "产业链", "环节代码", "环节", "环节位置", "重要程度", "本地企业(家)", "注册资本合计(万元)",
    "链主企业(家)", "已签约项目(个)", "在建项目(个)", "区位商", "状态", "建议", "诊断依据",
]  # fmt: skip


def _chain_row(d: ChainDiagnosis) -> list:
    counts = status_counts(d)
    return [
        d.code,
        d.name,
        d.completeness,
        d.matching_rate,
        d.action,
        "、".join(d.chiefs),
        "、".join(d.leaders),
        *(counts[s] for s in STATUSES),
    ]


def _link_rows(d: ChainDiagnosis) -> list[list]:
    return [
        [
            d.name,
            link.code,
            link.name,
            stage_label(link.stage),
            link.weight,
            link.local_count,
            link.local_capital_wan,
            link.leader_count,
            link.pipeline_signed,
            link.pipeline_building,
            link.location_quotient,
            status_label(link.status),
            link.action,
            "\n".join(link.reasons),
        ]
        for link in d.links
    ]


def _sheet(book, name: str, title: str, headers: list[str], rows: list[list], formats: dict):
    """A title row, the header row, the rows, then RuoYi's 共 N 条 summary row."""
    sheet = book.add_worksheet(name)
    sheet.write_string(0, 0, title, formats["title"])
    for col, header in enumerate(headers):
        sheet.write_string(1, col, header, formats["head"])
        sheet.set_column(col, col, max(10, len(header) * 2 + 2))
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            _write(sheet, r, col, value, formats.get(headers[col]))
    if "诊断依据" in headers:  # one reason a line: give them room
        sheet.set_column(headers.index("诊断依据"), headers.index("诊断依据"), 70)
    sheet.write_string(len(rows) + 2, 0, f"共 {len(rows)} 条")
    sheet.freeze_panes(2, 0)
    return sheet


def _write(sheet, row: int, col: int, value, fmt) -> None:
    if value is None:
        sheet.write_string(row, col, "-")
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def diagnosis_xlsx(diagnoses: Sequence[ChainDiagnosis], when: dt.datetime) -> bytes:
    """Two sheets: 产业链 (one row a chain) and 环节 (one row a link, with numbers and reasons)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **SAFE_STRINGS})
    pct = book.add_format({"num_format": "0.0%"})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "head": book.add_format({"bold": True, "bg_color": "#F8F8F9", "border": 1}),
        "完整度": pct,
        "本地配套率": pct,
        "注册资本合计(万元)": book.add_format({"num_format": "#,##0.00"}),
        "区位商": book.add_format({"num_format": "0.00"}),
        "诊断依据": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    stamp = f"导出时间：{when:%Y-%m-%d %H:%M:%S}"
    chains = [_chain_row(d) for d in diagnoses]
    links = [row for d in diagnoses for row in _link_rows(d)]
    _sheet(book, "产业链", f"产业链诊断（{stamp}）", CHAIN_HEADERS, chains, formats)
    _sheet(book, "环节", f"环节诊断（{stamp}）", LINK_HEADERS, links, formats)
    book.close()
    return buffer.getvalue()


def chain_report_docx(diagnosis: ChainDiagnosis, cluster: str, when: dt.date) -> bytes:
    """A printable report: title, headline figures, chiefs and leaders, the table of links."""
    from docx import Document

    doc = Document()
    _page_setup(doc)
    doc.add_heading(f"{diagnosis.name}产业链诊断报告", level=0)
    doc.add_paragraph(f"{cluster} · 截至{when:%Y年%m月%d日}")
    figures = doc.add_table(rows=0, cols=2, style="Table Grid")
    for label, value in _headline(diagnosis):
        cells = figures.add_row().cells
        cells[0].text, cells[1].text = label, value
    for reason in getattr(diagnosis, "reasons", []):  # the chain-level reasons, e.g. for 建链
        doc.add_paragraph(reason, style="List Bullet")
    doc.add_heading("环节诊断", level=1)
    _links_table(doc, diagnosis)
    doc.add_paragraph(NOTE)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _page_setup(doc) -> None:
    """Landscape A4 so the links table stays readable on paper; 宋体 五号 for the Chinese text."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")


def _headline(d: ChainDiagnosis) -> list[tuple[str, str]]:
    counts = status_counts(d)
    return [
        ("完整度", percent(d.completeness)),
        ("本地配套率", percent(d.matching_rate)),
        ("建议", d.action or "-"),
        ("链长", "、".join(d.chiefs) or "-"),
        ("链主企业", "、".join(d.leaders) or "-"),
        ("环节", "，".join(f"{status_label(s)}{counts[s]}个" for s in STATUSES)),
    ]


NOTE = (
    "说明：完整度为本地已有环节按重要程度加权的占比；"
    "本地配套率为链主企业的投入环节中由本地企业供给的占比。"
)
REPORT_COLUMNS = [
    "环节",
    "环节位置",
    "本地企业(家)",
    "在建/签约项目(个)",
    "状态",
    "建议",
    "诊断依据",
]


def _links_table(doc, d: ChainDiagnosis) -> None:
    table = doc.add_table(rows=1, cols=len(REPORT_COLUMNS), style="Table Grid")
    for cell, title in zip(table.rows[0].cells, REPORT_COLUMNS, strict=True):
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
    for link in d.links:
        cells = table.add_row().cells
        values = [
            link.name,
            stage_label(link.stage),
            str(link.local_count),
            f"{link.pipeline_building}/{link.pipeline_signed}",
            status_label(link.status),
            link.action or "-",
            "\n".join(link.reasons) or "-",
        ]
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
