"""The .xlsx and .docx files open and say what the records say (read back here)."""

import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from chainvest.projects.services import record_signing
from chainvest.reports.briefing import event_report
from chainvest.reports.exports import event_docx, event_xlsx, period_bounds, periodic_xlsx
from tests.web import factories as f
from tests.web.factories import D


@pytest.fixture
def world(cast, changji):
    wind = f.chain()
    e1 = f.event("第一场推介会", D(2023, 3, 10))
    e4 = f.event("第四场推介会", D(2023, 8, 18), sequence=4)
    f.project(
        cast["qitai"], changji["qitai"], "奇台风机项目", agreed="10亿元", signed=D(2023, 8, 18),
        started=D(2023, 9, 1), event_id=e4.id, industry="装备制造", chain_id=wind.id,
    )  # fmt: skip
    f.project(
        cast["mulei"], changji["mulei"], "木垒光伏项目", agreed="5亿元", signed=D(2023, 8, 18),
        event_id=e4.id, industry="新能源",
    )  # fmt: skip
    old = f.project(
        cast["qitai"], changji["qitai"], "老项目", agreed="4亿元", signed=D(2023, 3, 10),
        event_id=e1.id,
    )  # fmt: skip
    record_signing(cast["qitai"], old, D(2023, 8, 18), e4)
    return {"e4": e4}


def test_event_xlsx_lists_every_signing_and_the_rates(world):
    out = io.BytesIO()
    event_xlsx(event_report(world["e4"], D(2023, 12, 31)), out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["签约清单", "推进情况", "简报"]
    rows = list(wb["签约清单"].iter_rows(min_row=3, values_only=True))
    flags = {r[0]: r[4] for r in rows if r[0] and not str(r[0]).startswith("共")}
    assert flags == {"奇台风机项目": "计入", "木垒光伏项目": "计入", "老项目": "重复签约"}
    assert rows[-1][0] == "共 3 条"
    rates = {r[0]: r[1] for r in wb["推进情况"].iter_rows(min_row=3, values_only=True) if r[1]}
    assert rates["签约项目"] == "2个" and rates["开工率"] == "50.0%"
    assert rates["协议投资额"] == "15亿元"
    assert "活动现场签约项目2个，总投资15亿元" in wb["简报"]["A2"].value


def test_event_docx_carries_the_briefing_and_tables(world):
    out = io.BytesIO()
    report = event_report(world["e4"], D(2023, 12, 31))
    event_docx(report, out)
    doc = Document(io.BytesIO(out.getvalue()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert report.briefing in text
    assert [row.cells[1].text for row in doc.tables[0].rows[1:]] == [
        "100.0%",
        "50.0%",
        "0.0%",
        "0.0%",
    ]
    assert len(doc.tables[1].rows) == 4  # header + 2 counted + 1 re-signing


def test_periodic_report_by_month_and_quarter(world):
    """August: the two fourth-event projects (15亿); none started by 08-31 (the start is on
    09-01, after the period). Q1: the old project (4亿)."""
    out = io.BytesIO()
    assert periodic_xlsx("2023-08", out) == "2023年8月"
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["指标", "按县市", "按园区", "按产业链", "按阶段", "简报"]
    counties = {r[0]: r[1:] for r in wb["按县市"].iter_rows(min_row=3, values_only=True) if r[1]}
    assert counties == {"奇台县": (1, 10.0, 0, 0.0), "木垒哈萨克自治县": (1, 5.0, 0, 0.0)}
    figures = {r[0]: r[1] for r in wb["指标"].iter_rows(min_row=3, values_only=True) if r[1]}
    assert figures["签约项目"] == "2个" and figures["协议投资额"] == "15亿元"
    out = io.BytesIO()
    periodic_xlsx("2023-Q1", out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    figures = {r[0]: r[1] for r in wb["指标"].iter_rows(min_row=3, values_only=True) if r[1]}
    assert figures["签约项目"] == "1个" and figures["协议投资额"] == "4亿元"


@pytest.mark.parametrize(
    ("period", "bounds"),
    [
        ("2023-08", (D(2023, 8, 1), D(2023, 8, 31))),
        ("2023-12", (D(2023, 12, 1), D(2023, 12, 31))),
        ("2023-Q4", (D(2023, 10, 1), D(2023, 12, 31))),
        ("2024-Q1", (D(2024, 1, 1), D(2024, 3, 31))),
    ],
)
def test_period_bounds(period, bounds):
    assert period_bounds(period)[:2] == bounds


@pytest.mark.parametrize("period", ["2023", "2023-13", "2023-Q5", "八月"])
def test_bad_period_is_a_clear_error(period):
    with pytest.raises(ValueError, match="报告期"):
        period_bounds(period)


def test_command_writes_both_files_for_the_years_fourth_event(world, tmp_path):
    xlsx, docx = tmp_path / "e4.xlsx", tmp_path / "e4.docx"
    out = io.StringIO()
    call_command(
        "report", "event", "4", "--year", "2023", "--as-of", "2023-12-31",
        "--xlsx", str(xlsx), "--docx", str(docx), stdout=out,
    )  # fmt: skip
    assert load_workbook(xlsx)["签约清单"]["A1"].value == "第四场推介会签约项目清单"
    assert "活动现场签约项目2个" in "\n".join(p.text for p in Document(docx).paragraphs)
    assert "活动现场签约项目2个" in out.getvalue()


def test_command_errors_are_clear(world, tmp_path):
    with pytest.raises(CommandError, match="找不到活动"):
        call_command("report", "event", "9", "--year", "2023", "--xlsx", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="报告期"):
        call_command("report", "period", "2023-13", "--xlsx", str(tmp_path / "p.xlsx"))
    assert not (tmp_path / "p.xlsx").exists()
    with pytest.raises(CommandError, match="--xlsx"):
        call_command("report", "event", "4")
