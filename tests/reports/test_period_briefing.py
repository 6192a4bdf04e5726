"""The monthly / quarterly report: the .docx briefing's numbers are the records' (read back)."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from chainvest.projects.services import create_project, transition_project
from chainvest.regions.models import Park
from chainvest.reports.exports import periodic_docx, periodic_xlsx
from chainvest.reports.kpis import Scope, kpi_figures
from chainvest.reports.periodic import RATE_KEYS, current_periods, period_bounds
from tests.web import factories as f
from tests.web.factories import D


@pytest.fixture
def world(cast, changji):
    """August 2023: 奇台 10亿 (started 09-01), 木垒 5亿, a park project in 奇台 3亿 (started
    08-20); March: an old 奇台 project of 4亿."""
    wind = f.chain()
    e4 = f.event("第四场推介会", D(2023, 8, 18), sequence=4)
    f.project(
        cast["qitai"], changji["qitai"], "奇台风机项目", agreed="10亿元", signed=D(2023, 8, 18),
        started=D(2023, 9, 1), event_id=e4.id, chain_id=wind.id,
    )  # fmt: skip
    f.project(
        cast["mulei"], changji["mulei"], "木垒光伏项目", agreed="5亿元", signed=D(2023, 8, 18),
        event_id=e4.id,
    )  # fmt: skip
    park = Park.objects.create(
        code="qitai-lamahu", name="奇台喇嘛湖梁工业园", short_name="喇嘛湖梁工业园",
        level="other", region=changji["qitai"], latitude=44.02, longitude=89.59,
    )  # fmt: skip
    item = create_project(
        cast["admin"],
        {"name": "园区硅材料项目", "county_id": changji["qitai"].id, "park_id": park.id,
         "agreed": "3亿元", "chain_id": wind.id},
        lead_date=D(2023, 7, 1),
    )  # fmt: skip
    transition_project(
        cast["admin"], item, "signed", {"negotiating": D(2023, 8, 2), "signed": D(2023, 8, 2)}
    )  # noqa: E501
    dates = {"registered": D(2023, 8, 20), "construction": D(2023, 8, 20)}
    transition_project(cast["admin"], item, "construction", dates)
    f.project(cast["qitai"], changji["qitai"], "老项目", agreed="4亿元", signed=D(2023, 3, 10))
    return {"park": park}


def _docx(period: str) -> Document:
    out = io.BytesIO()
    periodic_docx(period, out)
    return Document(io.BytesIO(out.getvalue()))


def _figures(period: str) -> dict:
    first, last, _ = period_bounds(period)
    return kpi_figures(Scope(date_from=first, date_to=last), last)


def _table(doc: Document, title: str) -> dict:
    """The rows of the table following the heading 按{title}, keyed by their first cell."""
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    table = doc.tables[headings.index(f"按{title}") - 1]  # the first heading is the title
    return {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}


@pytest.mark.parametrize(("period", "start"), [("2023-08", "33.3%"), ("2023-Q3", "66.7%")])
def test_period_briefing_numbers_equal_the_records(world, period, start):
    """Stages are as of the period's end: 奇台风机 started 09-01, after August, within Q3."""
    doc = _docx(period)
    text = "\n".join(p.text for p in doc.paragraphs)
    figures = _figures(period)
    found = re.search(r"新签约招商引资项目(\d+)个，协议投资(.+?)（", text)
    assert int(found.group(1)) == figures["signed"].numerator == 3
    assert found.group(2) == figures["investment"].display == "18亿元"
    for key in RATE_KEYS:
        assert f"{figures[key].label}{figures[key].display}" in text
    assert f"开工率{start}" in text
    assert "奇台县2个（13亿元）、木垒哈萨克自治县1个（5亿元）" in text
    assert "其中园区签约：喇嘛湖梁工业园1个（3亿元）" in text


def test_period_docx_and_xlsx_say_the_same(world):
    doc = _docx("2023-08")
    out = io.BytesIO()
    assert periodic_xlsx("2023-08", out) == "2023年8月"
    wb = load_workbook(io.BytesIO(out.getvalue()))
    for title in ["县市", "园区", "产业链", "阶段"]:
        sheet = {
            r[0]: r[1:] for r in wb[f"按{title}"].iter_rows(min_row=3, values_only=True) if r[1]
        }
        table = _table(doc, title)
        assert set(sheet) == set(table)
        for label, (count, _yi, started, _rate) in sheet.items():
            assert table[label][0] == str(count) and table[label][2] == str(started)
    assert _table(doc, "县市")["奇台县"] == ["2", "13亿元", "1", "50.0%"]
    figures = {r[0]: r[1] for r in wb["指标"].iter_rows(min_row=3, values_only=True) if r[1]}
    docx_figures = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows[1:]}
    assert figures == docx_figures
    assert wb["简报"]["A2"].value == doc.paragraphs[1].text


def test_a_month_without_signings_still_reads(world):
    text = "\n".join(p.text for p in _docx("2023-05").paragraphs)
    assert "2023年5月，全州新签约招商引资项目0个，协议投资0亿元" in text
    assert "开工率-" in text


def test_command_writes_the_period_xlsx_and_docx(world, tmp_path):
    xlsx, docx = tmp_path / "q3.xlsx", tmp_path / "q3.docx"
    out = io.StringIO()
    call_command(
        "report", "period", "2023-Q3", "--xlsx", str(xlsx), "--docx", str(docx), stdout=out
    )  # noqa: E501
    assert load_workbook(xlsx)["指标"]["A1"].value.startswith("2023年第3季度招商引资统计")
    assert Document(docx).paragraphs[0].text == "2023年第3季度招商引资工作简报"
    assert "简报" in out.getvalue()


def test_command_docx_alone_and_bad_period(world, tmp_path):
    call_command(
        "report", "period", "2023-08", "--docx", str(tmp_path / "m.docx"), stdout=io.StringIO()
    )  # noqa: E501
    assert (tmp_path / "m.docx").exists()
    with pytest.raises(CommandError, match="报告期"):
        call_command("report", "period", "2023-Q5", "--docx", str(tmp_path / "bad.docx"))
    assert not (tmp_path / "bad.docx").exists()


def test_current_periods():
    assert current_periods(D(2026, 11, 27)) == {"month": "2026-11", "quarter": "2026-Q4"}
    assert current_periods(D(2024, 1, 5)) == {"month": "2024-01", "quarter": "2024-Q1"}
