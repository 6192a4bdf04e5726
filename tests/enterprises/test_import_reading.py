"""Reading vendor files: header row below title lines, vendor aliases, encodings, XLSX cells."""

import datetime as dt

import pytest

from chainvest.enterprises.importing import import_file
from chainvest.enterprises.importing_read import (
    ImportFileError,
    fold_header,
    open_table,
    parse_mapping,
)
from chainvest.enterprises.models import Enterprise
from tests.enterprises.test_import_support import industries, row, uscc, write_csv, write_xlsx


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def places(changji):
    industries()
    return changji


def test_header_row_is_found_below_vendor_title_lines(tmp_path):
    path = write_csv(
        tmp_path / "export.csv",
        [row(1), row(2)],
        title_lines=["企业名录导出", "导出时间：2024-05-01 数据来源：某数据服务"],
    )
    table = open_table(path)
    assert table.columns.header_row == 3
    assert table.columns.index["name"] == 0
    assert [number for number, _ in table.rows] == [4, 5]


def test_both_spellings_of_enterprise_type_and_gongsi_mingcheng_are_recognised(tmp_path):
    for header in ["企业(机构)类型", "企业（机构）类型", "公司类型"]:
        path = tmp_path / "t.csv"
        path.write_text(f"公司名称,{header},经营状态\n甲公司,有限责任公司,存续\n", encoding="utf-8")
        index = open_table(path).columns.index
        assert index == {"name": 0, "enterprise_type": 1, "status": 2}, header


def test_file_without_a_header_row_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="没有找到表头行"):
        open_table(path)


def test_old_xls_and_other_formats_are_refused(tmp_path):
    for name, message in [("a.xls", "另存为 .xlsx"), ("a.txt", "仅允许导入 csv、xlsx")]:
        (tmp_path / name).write_bytes(b"x")
        with pytest.raises(ImportFileError, match=message):
            open_table(tmp_path / name)


def test_gbk_csv_is_decoded(tmp_path, places):
    path = write_csv(
        tmp_path / "gbk.csv", [row(1, 企业名称="新疆准东煤业有限公司")], encoding="gbk"
    )
    result = import_file(path)
    assert result.ok, result.errors
    assert Enterprise.objects.get().name == "新疆准东煤业有限公司"


def test_utf8_csv_with_bom_is_decoded(tmp_path, places):
    path = write_csv(tmp_path / "bom.csv", [row(1)], encoding="utf-8-sig")
    assert import_file(path).ok
    assert Enterprise.objects.get().name == "昌吉测试新材料有限公司1"


def test_xlsx_formula_cell_is_not_evaluated_but_refuses_the_file(tmp_path, places):
    """A formula is never evaluated, nor its cached result trusted (it may be stale, or absent
    as here): the file is refused, naming the cell, and nothing is written."""
    headers = ["企业名称", "统一社会信用代码", "注册资本", "成立日期", "参保人数"]
    rows = [
        ["乙公司", uscc(2), 300, dt.date(2020, 1, 2), None],
        ["甲公司", uscc(1), "=1+1", dt.datetime(2019, 3, 4), 12.0],
    ]
    path = write_xlsx(tmp_path / "f.xlsx", rows, headers=headers, title_lines=["名录"])
    result = import_file(path, skip_invalid=True)
    assert not result.ok
    [error] = result.errors
    assert (error.row, error.column, error.value) == (4, "C", "=1+1")
    assert "公式" in error.message and "选择性粘贴" in error.message
    assert not Enterprise.objects.exists()


def test_unknown_columns_are_reported_and_can_be_mapped(tmp_path, places):
    path = tmp_path / "u.csv"
    path.write_text(
        f"单位全称,信用代码,联系电话\n甲公司,{uscc(1)},0994-1234567\n", encoding="utf-8"
    )
    with pytest.raises(ImportFileError, match="企业名称"):
        open_table(path)
    table = open_table(path, parse_mapping(["单位全称=name"]))
    assert table.columns.unknown == ["联系电话"]
    result = import_file(path, mapping=parse_mapping(["单位全称=name", "联系电话=ignore"]))
    assert result.ok
    assert result.batch.column_map == {"单位全称": "name", "信用代码": "uscc", "联系电话": "ignore"}
    assert Enterprise.objects.get().name == "甲公司"


def test_unmapped_unknown_column_stays_in_the_batch_record(tmp_path, places):
    path = tmp_path / "u.csv"
    path.write_text(f"企业名称,统一社会信用代码,联系电话\n甲公司,{uscc(1)},123\n", encoding="utf-8")
    result = import_file(path)
    assert result.ok
    assert result.unknown_columns == ["联系电话"]
    assert result.batch.column_map["联系电话"] == ""


def test_mapping_to_an_unknown_field_is_refused():
    with pytest.raises(ImportFileError, match="字段不存在"):
        parse_mapping(["联系电话=phone"])


def test_headers_fold_full_width_brackets_and_spaces():
    assert fold_header(" 企业（机构） 类型") == "企业(机构)类型"
