"""Every kind of bad cell is reported with its row, column, value and a Chinese reason."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chainvest.enterprises.importing import import_file
from chainvest.enterprises.importing_rows import CellError, read_capital, read_date
from chainvest.enterprises.models import Enterprise, ImportStatus
from chainvest.regions.models import Region, RegionLevel
from tests.enterprises.test_import_support import industries, row, uscc, write_csv


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def places(changji):
    industries()
    beijing = Region.objects.create(
        code="110000", name="北京市", short_name="北京", level="province"
    )
    Region.objects.create(code="110105", name="朝阳区", level=RegionLevel.COUNTY, parent=beijing)
    jilin = Region.objects.create(code="220000", name="吉林省", level=RegionLevel.PROVINCE)
    changchun = Region.objects.create(code="220100", name="长春市", level="city", parent=jilin)
    Region.objects.create(code="220104", name="朝阳区", level=RegionLevel.COUNTY, parent=changchun)
    return changji


def errors_of(tmp_path, *rows):
    result = import_file(write_csv(tmp_path / "v.csv", list(rows)))
    return [(e.row, e.column, e.value, e.message) for e in result.errors]


BAD_CELLS = [
    ("统一社会信用代码", "91652301MA77X", "应为18位"),
    ("统一社会信用代码", uscc(5)[:-1] + ("0" if uscc(5)[-1] != "0" else "1"), "校验位错误"),
    ("统一社会信用代码", "91652301OA7700000X", "非法字符"),
    ("成立日期", "2015年13月01日", "日期不存在"),
    ("成立日期", "去年", "无法识别的日期"),
    ("成立日期", "2999-01-01", "晚于今天"),
    ("注册资本", "一百万", "无法识别的金额"),
    ("注册资本", "100万卢布", "无法识别的金额"),
    ("参保人数", "约20", "不小于 0 的整数"),
    ("所属省份", "火星省", "未知的省份"),
    ("所属城市", "长春市", "不是新疆维吾尔自治区的下辖城市"),
    ("所属区县", "朝阳区", "不在昌吉回族自治州内"),
    ("所属区县", "无此县", "未知的区县"),
    ("国标行业大类", "炼丹业", "未知的国标行业大类"),
    ("法定代表人", "张" * 101, "超过上限 100 个字"),
]


@pytest.mark.parametrize(("column", "value", "reason"), BAD_CELLS)
def test_each_bad_cell_is_named_with_row_column_and_reason(tmp_path, places, column, value, reason):
    found = errors_of(tmp_path, row(1), row(2, **{column: value}))
    assert len(found) == 1, found
    number, header, shown, message = found[0]
    assert (number, header, shown) == (3, column, value)
    assert reason in message
    assert not Enterprise.objects.exists()


def test_name_is_required(tmp_path, places):
    assert errors_of(tmp_path, row(1, 企业名称=""))[0][1:] == ("企业名称", "", "企业名称不能为空")


def test_empty_and_dash_cells_are_allowed(tmp_path, places):
    blank = {h: "-" for h in ["统一社会信用代码", "注册资本", "成立日期", "所属省份", "参保人数"]}
    assert errors_of(tmp_path, row(1, **blank), row(2, 统一社会信用代码="")) == []
    assert Enterprise.objects.filter(uscc__isnull=True).count() == 2


def test_duplicate_uscc_inside_the_file_is_an_error(tmp_path, places):
    found = errors_of(tmp_path, row(1), row(2, 统一社会信用代码=uscc(1)))
    assert found == [(3, "统一社会信用代码", uscc(1), "与第 2 行的统一社会信用代码重复")]


def test_same_name_twice_without_uscc_is_an_error(tmp_path, places):
    found = errors_of(
        tmp_path,
        row(1, 统一社会信用代码=""),
        row(1, 统一社会信用代码="", 企业名称="昌吉测试新材料有限公司１"),
    )
    assert found[0][0] == 3 and "与第 2 行企业名称相同" in found[0][3]


def test_county_name_shared_by_two_provinces_needs_its_province(tmp_path, places):
    found = errors_of(tmp_path, row(1, 所属省份="", 所属城市="", 所属区县="朝阳区"))
    assert "不唯一" in found[0][3]
    assert (
        errors_of(tmp_path, row(2, 所属省份="北京市", 所属城市="北京市", 所属区县="朝阳区")) == []
    )
    assert Enterprise.objects.get().region.code == "110105"


def test_every_error_of_a_row_is_listed_not_only_the_first(tmp_path, places):
    found = errors_of(tmp_path, row(1, 成立日期="x", 注册资本="y", 参保人数="z"))
    assert [f[1] for f in found] == ["注册资本", "成立日期", "参保人数"]


def test_error_report_xlsx_lists_row_column_value_and_reason(tmp_path, places):
    result = import_file(write_csv(tmp_path / "v.csv", [row(1), row(2, 成立日期="2015-02-30")]))
    assert result.batch.status == ImportStatus.FAILED
    sheet = load_workbook(result.batch.report_path).active
    assert [c.value for c in sheet[1]] == ["序号", "行号", "列名", "值", "错误说明"]
    assert [c.value for c in sheet[2]] == [1, 3, "成立日期", "2015-02-30", "日期不存在"]


@pytest.mark.parametrize(
    ("text", "wan", "currency"),
    [
        ("100万元", Decimal(100), "CNY"),
        ("305843.0395万元人民币", Decimal("305843.0395"), "CNY"),
        ("1.5亿元", Decimal(15000), "CNY"),
        ("5,000,000元", Decimal(500), "CNY"),
        ("300", Decimal(300), "CNY"),
        ("200万美元", None, "USD"),
        ("50万港元", None, "HKD"),
    ],
)
def test_capital_is_read_in_wan_and_foreign_currency_keeps_no_figure(text, wan, currency):
    assert read_capital(text) == (wan, currency)


def test_foreign_capital_keeps_its_text_and_currency(tmp_path, places):
    import_file(write_csv(tmp_path / "c.csv", [row(1, 注册资本="200万美元")]))
    enterprise = Enterprise.objects.get()
    assert enterprise.registered_capital_wan is None
    assert (enterprise.registered_capital_text, enterprise.registered_capital_currency) == (
        "200万美元",
        "USD",
    )


@pytest.mark.parametrize(
    "text", ["2020-01-31", "2020/1/31", "2020年1月31日", "20200131", "2020.01.31"]
)
def test_dates_in_vendor_spellings(text):
    assert read_date(text) == dt.date(2020, 1, 31)


def test_date_errors_raise_cell_errors():
    with pytest.raises(CellError):
        read_date("2020-02-30")


def test_county_level_city_directly_under_a_province_may_stand_as_the_city(tmp_path, places):
    # Vendors write 省直辖县级 units such as 仙桃市 in 所属城市 (and often again in 所属区县).
    hubei = Region.objects.create(code="420000", name="湖北省", level=RegionLevel.PROVINCE)
    Region.objects.create(code="429004", name="仙桃市", level=RegionLevel.COUNTY, parent=hubei)
    rows = [
        row(1, 所属省份="湖北省", 所属城市="仙桃市", 所属区县="仙桃市"),
        row(2, 所属省份="湖北省", 所属城市="仙桃市", 所属区县=""),
    ]
    assert errors_of(tmp_path, *rows) == []
    assert set(Enterprise.objects.values_list("region__code", flat=True)) == {"429004"}
