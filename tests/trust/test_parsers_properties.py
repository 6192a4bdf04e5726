"""Property-based: every parser of outside input answers a value or a clear error, never a crash.

The amount parser of news text and the extractor have their own properties in
tests/engine/test_news_properties.py; here are the USCC, the import's capital, date and count
cells, the event dates, and whole import files (CSV and XLSX) of random cells.
"""

from __future__ import annotations

import datetime as dt
import string
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chainvest.engine.text import (
    USCC_ALPHABET,
    AmountError,
    USCCError,
    parse_money,
    uscc_check_char,
    validate_uscc,
)
from chainvest.enterprises.importing import import_file
from chainvest.enterprises.importing_rows import (
    MAX_WAN,
    CellError,
    parse_insured_count,
    parse_is_listed,
    parse_uscc,
    read_capital,
    read_date,
)
from chainvest.enterprises.models import Enterprise, ImportStatus, check_uscc
from tests.enterprises.test_import_support import HEADERS, industries, row, write_csv, write_xlsx

FAST = settings(max_examples=300, deadline=None)
DB = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in string.digits + string.ascii_uppercase}

first17 = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)
codes = first17.map(lambda s: s + uscc_check_char(s))
# Arbitrary text, and text close to a code (right length, code-like characters).
code_like = st.one_of(
    st.text(max_size=24),
    st.text(alphabet=USCC_ALPHABET + "IOSVZioa０１Ａ -", min_size=16, max_size=20),
    codes.map(lambda c: c.lower()),
)


# --- USCC (GB 32100-2015) --------------------------------------------------------------------


@FAST
@given(codes)
def test_a_code_with_its_check_character_is_valid_in_any_case_or_width(code):
    assert validate_uscc(code) == code
    assert validate_uscc(f" {code.lower()} ") == code
    assert validate_uscc("".join(FULL_WIDTH.get(c, c) for c in code)) == code
    rec = {}
    parse_uscc(code, rec)
    assert rec == {"uscc": code}


@FAST
@given(codes, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_any_single_wrong_character_is_caught(code, position, replacement):
    if code[position] == replacement:
        return
    wrong = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(USCCError, match="校验位错误"):
        validate_uscc(wrong)
    with pytest.raises(CellError):
        parse_uscc(wrong, {})


@FAST
@given(code_like)
@example("91652301MA77XXXXX")  # 17 characters
@example("91652301ma77ｏ0000X")
def test_any_text_is_a_valid_code_or_a_worded_error(text):
    try:
        code = validate_uscc(text)
    except USCCError as exc:
        assert "统一社会信用代码" in str(exc)
        with pytest.raises(CellError):
            parse_uscc(text, {})
        with pytest.raises(ValidationError):
            check_uscc(text)
        return
    assert len(code) == 18 and set(code) <= set(USCC_ALPHABET)
    assert code[17] == uscc_check_char(code[:17])
    rec = {}
    parse_uscc(text, rec)
    assert rec["uscc"] == code


# --- amounts ---------------------------------------------------------------------------------

wan = st.decimals(min_value=0, max_value=Decimal("9999999"), places=2)
noisy = st.one_of(
    st.text(max_size=20),
    st.lists(st.sampled_from(list("0123456789.,万亿元美人民币（）() -")), max_size=14).map("".join),
)


@FAST
@given(wan)
def test_capital_in_wan_yi_and_yuan_reads_back_in_wan(amount):
    assert read_capital(f"{amount}万元") == (amount, "CNY")
    assert read_capital(f"{amount}万人民币") == (amount, "CNY")
    assert read_capital(f"{amount:,}万元")[0] == amount
    assert read_capital(f"{amount}亿元")[0] == amount * 10000
    yuan = read_capital(f"{amount}元")[0]
    assert yuan == (amount / 10000).quantize(Decimal("0.0001"))
    assert read_capital(f"{amount}万美元") == (None, "USD")


@FAST
@given(noisy)
@example("1" * 30 + "亿元")
@example("1e5万元")
def test_capital_of_any_text_is_bounded_or_a_clear_error(text):
    try:
        value, currency = read_capital(text)
    except CellError as exc:
        assert str(exc)
        return
    assert currency.isupper() and len(currency) == 3
    assert value is None or Decimal(0) <= value < MAX_WAN


@FAST
@given(wan.filter(lambda d: d > 0))
def test_money_in_wan_and_yi_round_trips(amount):
    assert parse_money(f"{amount}万元").min_wan == amount
    assert parse_money(f"{amount}亿元").max_wan == amount * 10000
    money = parse_money(f"超过{amount}亿元")
    assert money.min_wan == amount * 10000 and money.max_wan is None


@FAST
@given(noisy)
def test_money_of_any_text_is_money_or_an_amount_error(text):
    try:
        money = parse_money(text)
    except AmountError as exc:
        assert str(exc)
        return
    assert money.min_wan >= 0


# --- dates and counts ------------------------------------------------------------------------

TODAY = dt.date(2026, 6, 30)
past = st.dates(min_value=dt.date(1800, 1, 1), max_value=TODAY)
date_formats = st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"])


@FAST
@given(past, date_formats)
def test_a_past_date_in_any_accepted_form_reads_back(date, form):
    text = f"{date.year:04d}" + date.strftime(form.removeprefix("%Y"))
    assert read_date(text, TODAY) == date
    assert read_date(text + " 00:00:00", TODAY) == date


@FAST
@given(st.one_of(st.text(max_size=24), st.from_regex(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,3}日?")))
@example("2020-02-30")
@example("0000-01-01")
@example("99999999")
def test_any_date_text_is_a_date_in_range_or_a_clear_error(text):
    try:
        date = read_date(text, TODAY)
    except CellError as exc:
        assert str(exc)
        return
    assert dt.date(1800, 1, 1) <= date <= TODAY


@FAST
@given(st.text(max_size=16))
@example("١٢٣")  # Arabic-Indic digits: isdigit() yet not ASCII
@example("99999999999")
def test_counts_and_yes_no_cells_never_crash(text):
    for parse in (parse_insured_count, parse_is_listed):
        rec = {}
        try:
            parse(text, rec)
        except CellError:
            continue
        assert rec


@FAST
@given(st.text(max_size=20))
def test_event_draft_date_is_a_date_or_a_field_error(text):
    from chainvest.events.services import _clean_draft

    try:
        cleaned = _clean_draft({"name": "招商推介会", "date": text})
    except ValidationError as exc:
        assert "date" in exc.message_dict
        return
    assert isinstance(cleaned["date"], dt.date)


# --- whole import files ----------------------------------------------------------------------

cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", "-", "100万元", "1.5亿元", "abc", "2020-13-01", "=1+1", "是", "0", "a\x00b"]
    ),
    st.integers(-(10**12), 10**12).map(str),
)
messy_row = st.lists(cell, min_size=len(HEADERS), max_size=len(HEADERS)).map(
    lambda cells: dict(zip(HEADERS, cells, strict=True))
)


def _rolled_back(run):
    """Each example imports inside a savepoint undone afterwards: examples do not meet."""
    with transaction.atomic():
        try:
            return run()
        finally:
            transaction.set_rollback(True)


def _check_report(result, first_row: int, rows: int) -> None:
    assert result.batch.status in (ImportStatus.DONE, ImportStatus.FAILED)
    for error in result.errors:
        assert error.message
        if error.row:  # a file-level problem has no row; every cell error names both
            assert first_row <= error.row < first_row + rows
            # the header, or for a formula (refused for the whole file) the sheet's column letter
            assert error.column in HEADERS or error.column.isalpha() and error.column.isupper()


@pytest.fixture
def pool(changji, settings, tmp_path):
    industries()
    settings.VAR_DIR = tmp_path


@DB
@given(st.lists(st.one_of(messy_row, st.builds(row, st.integers(1, 10**6))), max_size=6))
def test_random_csv_cells_are_reported_by_row_and_column_and_a_bad_file_writes_nothing(pool, rows):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "企业名录.csv", rows, headers=HEADERS)

        def run():
            before = Enterprise.objects.count()
            result = import_file(path, hooks=False)
            _check_report(result, 2, len(rows))
            if not result.ok:
                assert Enterprise.objects.count() == before
            return result

        _rolled_back(run)


# A worksheet cannot hold control characters (openpyxl refuses to write them at all).
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
xlsx_cell = st.one_of(
    printable,
    st.sampled_from(["", "-", "100万元", "1.5亿元", "2020-13-01", "=1+1", "=A1*2", "是"]),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
    st.booleans(),
    st.none(),
)


@DB
@given(st.lists(st.lists(xlsx_cell, min_size=len(HEADERS), max_size=len(HEADERS)), max_size=5))
def test_random_spreadsheet_cells_never_crash_the_import(pool, rows):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(Path(tmp) / "企业名录.xlsx", rows, headers=HEADERS)
        _rolled_back(lambda: _check_report(import_file(path, hooks=False), 2, len(rows)))


valid_row = st.builds(
    lambda n, capital, date, insured: row(
        n, 注册资本=f"{capital}万元", 成立日期=date.isoformat(), 参保人数=str(insured)
    ),
    st.integers(1, 10**8),
    wan,
    past,
    st.integers(0, 10**6),
)


@DB
@given(st.lists(valid_row, min_size=1, max_size=5, unique_by=lambda r: r["企业名称"]))
def test_valid_rows_round_trip_into_the_pool(pool, rows):
    rows = [r for r in rows if dt.date.fromisoformat(r["成立日期"]) <= dt.date.today()]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "企业名录.csv", rows, headers=HEADERS)

        def run():
            result = import_file(path, hooks=False)
            assert result.ok and result.batch.created_count == len(rows), result.errors
            stored = {
                e.uscc: e
                for e in Enterprise.objects.filter(uscc__in=[r["统一社会信用代码"] for r in rows])
            }
            for r in rows:
                e = stored[r["统一社会信用代码"]]
                assert e.name == r["企业名称"]
                assert e.registered_capital_wan == Decimal(r["注册资本"].removesuffix("万元"))
                assert e.established_date.isoformat() == r["成立日期"]
                assert e.insured_count == int(r["参保人数"])

        _rolled_back(run)


def test_a_nul_character_is_a_cell_error_on_every_database(pool, tmp_path):
    """Found by the property above on PostgreSQL, which stores no NUL: once a server error."""
    rows = [row(1, 经营范围="水泥\x00制品"), row(2, 所属区县="昌吉\x00市")]
    result = import_file(write_csv(tmp_path / "nul.csv", rows, headers=HEADERS), hooks=False)
    assert result.batch.status == ImportStatus.FAILED and Enterprise.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(2, "经营范围"), (3, "所属区县")]
    assert "空字符" in result.errors[0].message
    assert "\x00" not in str(result.batch.errors) and "\u2400" in str(result.batch.errors)
