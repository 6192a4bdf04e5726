"""Exports never turn text into a formula (CSV/formula injection): a project named
"=HYPERLINK(...)" or an imported cell "@SUM(...)" is written, and read back, as text."""

import io

import pytest
from openpyxl import load_workbook

from chainvest.enterprises.importing_report import write_error_report, write_rejects
from chainvest.enterprises.importing_rows import RowError
from chainvest.reports.briefing import event_report
from chainvest.reports.exports import event_xlsx
from tests.web import factories as f
from tests.web.factories import D

EVIL = [
    '=HYPERLINK("http://example.com/steal","点此查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "http://example.com/phish",
]


def cells(book) -> list:
    """Every non-empty cell of every sheet, as openpyxl reads the file (formulas kept)."""
    return [c for sheet in book.worksheets for line in sheet.iter_rows() for c in line if c.value]


def assert_all_text(found: list, texts: list[str]) -> None:
    written = {c.value: c for c in found if c.value in texts}
    assert set(written) == set(texts)
    assert all(c.data_type == "s" for c in written.values())
    assert not any(c.hyperlink for c in written.values())


@pytest.mark.parametrize("name", EVIL)
def test_event_export_writes_a_formula_like_project_name_as_text(cast, changji, name):
    event = f.event("第四场推介会", D(2023, 8, 18), sequence=4)
    f.project(
        cast["qitai"], changji["qitai"], name, agreed="1亿元", signed=D(2023, 8, 18),
        event_id=event.id,
    )  # fmt: skip
    out = io.BytesIO()
    event_xlsx(event_report(event, D(2023, 12, 31)), out)
    assert_all_text(cells(load_workbook(io.BytesIO(out.getvalue()))), [name])


def test_import_error_report_writes_formula_like_values_as_text(tmp_path):
    errors = [RowError(i + 2, "企业名称", text, "示例错误") for i, text in enumerate(EVIL)]
    path = write_error_report(errors, tmp_path / "errors.xlsx")
    assert_all_text(cells(load_workbook(path)), EVIL)


def test_rejected_rows_file_writes_formula_like_cells_as_text(tmp_path):
    rejected = [(2, [text, "x"], [RowError(2, "企业名称", text, "示例错误")]) for text in EVIL]
    path = write_rejects(["企业名称", "统一社会信用代码"], rejected, tmp_path / "rejects.xlsx")
    assert_all_text(cells(load_workbook(path)), EVIL)
