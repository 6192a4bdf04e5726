"""Economic indicators: periods, one-figure entry and file import (all rows or none)."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from chainvest.indicators.models import EconomicIndicator, Period, parse_period
from chainvest.indicators.services import import_indicators, record_indicator

HEADER = "地区,期间,指标,数值,来源\n"
SOURCE = "2023年统计公报"


def _values(**changes) -> dict:
    values = {
        "地区": "昌吉回族自治州",
        "期间": "2023-Q2",
        "指标": "地区生产总值",
        "数值": "1013.27",
        "来源": SOURCE,
    }
    return {**values, **changes}


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    wb.active.append(["地区", "期间", "指标", "数值", "来源"])
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2023", Period(2023, "year", 0)),
        ("2023年", Period(2023, "year", 0)),
        ("2023-Q2", Period(2023, "quarter", 2)),
        ("2023年第3季度", Period(2023, "quarter", 3)),
        ("2023-06", Period(2023, "month", 6)),
        ("2023年6月", Period(2023, "month", 6)),
    ],
)
def test_periods_are_read_in_the_usual_forms(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["2023-13", "2023-Q5", "上半年", "", "23-06"])
def test_a_bad_period_is_a_clear_error(text):
    with pytest.raises(ValueError, match="期间"):
        parse_period(text)


def test_period_labels_say_they_are_cumulative():
    assert Period(2023, "quarter", 2).label == "2023年1—2季度"
    assert Period(2023, "month", 6).label == "2023年1—6月"
    assert Period(2023, "year", 0).label == "2023年"
    assert Period(2023, "quarter", 2).code == "2023-Q2"


def test_analyst_records_a_figure_with_its_unit_and_source(cast, changji):
    row = record_indicator(cast["analyst"], _values())
    assert row.region == changji["prefecture"] and row.indicator == "gdp"
    assert row.value == Decimal("1013.27") and row.unit == "亿元" and row.source == SOURCE
    assert row.display == "1013.27亿元" and not row.is_demo
    growth = record_indicator(cast["admin"], _values(指标="固定资产投资增速", 数值="30.6%"))
    assert growth.unit == "%" and growth.value == Decimal("30.6")


def test_a_county_figure_is_accepted(cast, changji):
    row = record_indicator(cast["analyst"], _values(地区="奇台县", 期间="2023"))
    assert row.region == changji["qitai"] and row.period.kind == "year"


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"地区": "乌鲁木齐市"}, "地区"),
        ({"期间": "上半年"}, "期间"),
        ({"指标": "人均收入"}, "指标"),
        ({"数值": "一千亿"}, "数值"),
        ({"数值": "12%"}, "数值"),  # GDP is in 亿元, not %
        ({"来源": ""}, "来源"),
    ],
)
def test_a_bad_value_names_its_field_and_saves_nothing(cast, changji, changes, column):
    with pytest.raises(ValidationError) as error:
        record_indicator(cast["analyst"], _values(**changes))
    assert column in error.value.message_dict
    assert not EconomicIndicator.objects.exists()


def test_the_same_region_indicator_and_period_is_refused(cast, changji):
    record_indicator(cast["analyst"], _values())
    with pytest.raises(ValidationError, match="已录入"):
        record_indicator(cast["analyst"], _values(数值="999"))
    assert EconomicIndicator.objects.get().value == Decimal("1013.27")


@pytest.mark.parametrize("who", ["leader", "qitai"])
def test_leaders_and_officers_cannot_enter_figures(cast, changji, who):
    with pytest.raises(PermissionDenied):
        record_indicator(cast[who], _values())
    with pytest.raises(PermissionDenied):
        import_indicators(cast[who], "f.csv", _csv("昌吉回族自治州,2023,地区生产总值,2329.52,公报"))
    assert not EconomicIndicator.objects.exists()


def test_a_csv_file_is_imported_with_every_row(cast, changji):
    """Regions by name, short name (as in data/regions/short_names.csv) or code."""
    changji["prefecture"].short_name = "昌吉州"
    changji["prefecture"].save()
    content = _csv(
        '昌吉回族自治州,2023-Q2,地区生产总值,"1,013.27",报道',
        "昌吉州,2023-Q2,固定资产投资增速,30.6,报道",
        "",
        "652325,2023,规上工业增加值增速,-2.5,示例",
    )
    assert import_indicators(cast["analyst"], "指标.csv", content) == 3
    values = dict(EconomicIndicator.objects.values_list("indicator", "value"))
    assert values == {"gdp": Decimal("1013.27"), "fai_growth": Decimal("30.6"),
                      "industry_growth": Decimal("-2.5")}  # fmt: skip


def test_a_gbk_csv_and_an_xlsx_are_read(cast, changji):
    gbk = (HEADER + "奇台县,2023-06,地区生产总值,80,报道\n").encode("gbk")
    assert import_indicators(cast["analyst"], "a.CSV", gbk) == 1
    xlsx = _xlsx([["木垒县", "2023-Q1", "固定资产投资完成额", 12.5, "报道"]])
    EconomicIndicator.objects.all().delete()
    changji["mulei"].short_name = "木垒县"
    changji["mulei"].save()
    assert import_indicators(cast["analyst"], "a.xlsx", xlsx) == 1
    assert EconomicIndicator.objects.get().value == Decimal("12.5")


def test_a_demo_column_marks_illustrative_rows(cast, changji):
    content = ("地区,期间,指标,数值,来源,示例\n"
               "昌吉回族自治州,2023,地区生产总值,2329.52,报道,否\n"
               "昌吉回族自治州,2023-Q1,地区生产总值,430,示例数据,是\n").encode()  # fmt: skip
    import_indicators(cast["analyst"], "d.csv", content)
    assert dict(EconomicIndicator.objects.values_list("year", "period_kind").filter(is_demo=True))
    assert EconomicIndicator.objects.get(period_kind="year").is_demo is False


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(cast, changji):
    record_indicator(cast["analyst"], _values(期间="2022"))
    content = _csv(
        "昌吉回族自治州,2023-Q2,地区生产总值,1013.27,报道",  # row 2: fine
        "吐鲁番市,2023-Q2,地区生产总值,10,报道",  # row 3: unknown region
        "奇台县,2023-Q2,人口,10,报道",  # row 4: unknown indicator
        "奇台县,2023-Q2,地区生产总值,很多,报道",  # row 5: bad number
        "昌吉回族自治州,2023年第2季度,地区生产总值,1,报道",  # row 6: repeats row 2
        "昌吉回族自治州,2022,地区生产总值,1,报道",  # row 7: already recorded
        "奇台县,2023-Q9,地区生产总值,1,",  # row 8: bad period and no source
    )
    with pytest.raises(ValidationError) as error:
        import_indicators(cast["analyst"], "bad.csv", content)
    messages = error.value.messages
    assert [m.split("：")[0] for m in messages] == [
        "第3行「地区」列",
        "第4行「指标」列",
        "第5行「数值」列",
        "第6行「期间」列",
        "第7行「期间」列",
        "第8行「期间」列",
        "第8行「来源」列",
    ]
    assert "与第2行重复" in messages[3] and "已录入" in messages[4]
    assert EconomicIndicator.objects.count() == 1  # only the figure recorded before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "地区,期间,数值\n昌吉州,2023,1\n".encode(), "第1行缺少列：指标、来源"),
        ("a.csv", HEADER.encode(), "没有数据行"),
        ("a.txt", b"x", "只能导入 .xlsx 或 .csv"),
        ("a.xlsx", b"not a workbook", "无法读取"),
        ("a.csv", b"", "文件是空的"),
    ],
)
def test_an_unusable_file_is_a_clear_error(cast, changji, name, content, message):
    with pytest.raises(ValidationError, match=message):
        import_indicators(cast["analyst"], name, content)
    assert not EconomicIndicator.objects.exists()
