"""USCC check characters (GB 32100-2015) and money as written: plain pytest, no Django."""

from decimal import Decimal

import pytest

from chainvest.engine.text import (
    AmountError,
    Money,
    USCCError,
    find_money,
    format_yi,
    parse_money,
    uscc_check_char,
    validate_uscc,
)

REAL_CODES = ["914403001922038216", "9144030071526726XG", "91110108551385082Q"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_published_codes_pass(code):
    assert validate_uscc(code) == code


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(USCCError, match="应为 6，实际为 7"):
        validate_uscc("914403001922038217")


def test_check_character_can_be_a_letter():
    assert uscc_check_char("9144030071526726X") == "G"


def test_forbidden_letters_are_refused():
    with pytest.raises(USCCError, match="非法字符：O"):
        validate_uscc("91440300192203821O")


def test_wrong_length_is_refused():
    with pytest.raises(USCCError, match="18位"):
        validate_uscc("91440300")


def test_full_width_and_lower_case_are_normalised():
    assert validate_uscc("９１４４０３００７１５２６７２６ｘｇ".upper()) == "9144030071526726XG"
    assert validate_uscc("9144030071526726xg") == "9144030071526726XG"


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("1026亿元", 10_260_000, 10_260_000),
        ("5亿元", 50_000, 50_000),
        ("300万元", 300, 300),
        ("1,200万元", 1_200, 1_200),
        ("3.5亿元", 35_000, 35_000),
        ("1亿8千万元", 18_000, 18_000),
        ("超过1110亿元", 11_100_000, None),
        ("百亿元以上", 1_000_000, None),
        ("6到7亿元", 60_000, 70_000),
        ("6亿到7亿元", 60_000, 70_000),
        ("5000万至1亿元", 5_000, 10_000),
        ("3-5亿元", 30_000, 50_000),
        ("100多亿元", 1_000_000, None),
        ("10余亿元", 100_000, None),
        ("逾百亿元", 1_000_000, None),
        ("数十亿元", 100_000, None),
        ("达1026亿元", 10_260_000, 10_260_000),
        ("３千万元", 3_000, 3_000),
        ("二十亿元", 200_000, 200_000),
        ("三十二点九亿元", 329_000, 329_000),
        ("1.49万亿元", 149_000_000, 149_000_000),
        ("5亿", 50_000, 50_000),
    ],
)
def test_amounts_keep_their_nature(text, lo, hi):
    money = parse_money(text)
    assert money.min_wan == Decimal(lo)
    assert money.max_wan == (None if hi is None else Decimal(hi))
    assert money.text == text


@pytest.mark.parametrize("text", ["", "很多钱", "100", "7到6亿元"])
def test_unreadable_amounts_are_refused(text):
    with pytest.raises(AmountError):
        parse_money(text)


def test_foreign_currencies_are_kept_as_such():
    money = parse_money("5000万美元")
    assert (money.min_wan, money.currency) == (Decimal(5000), "USD")
    assert money.describe() == "0.5亿美元"
    assert parse_money("2亿欧元以上").currency == "EUR"
    assert parse_money("3亿元").currency == "CNY"


def test_amounts_are_found_in_running_text_with_their_spans():
    text = "计划投资百亿元以上，可实现年收入6到7亿元，总投资 达1026亿元，装机100万千瓦。"
    found = find_money(text)
    assert [t[2].text for t in found] == ["百亿元以上", "6到7亿元", "1026亿元"]
    assert all(text[a:b] == m.text for a, b, m in found)


def test_a_sum_with_one_lower_bound_stays_a_lower_bound():
    total = parse_money("5亿元") + parse_money("百亿元以上")
    assert total.min_wan == Decimal(1_050_000)
    assert total.max_wan is None
    assert total.is_lower_bound


def test_describe_shows_bounds_and_ranges():
    assert Money(Decimal(1_000_000), None).describe() == "100亿元以上"
    assert Money(Decimal(60_000), Decimal(70_000)).describe() == "6–7亿元"
    assert Money(Decimal(50_000), Decimal(50_000)).describe() == "5亿元"


def test_format_yi_uses_separators_and_two_decimals():
    assert format_yi(Decimal(10_260_000)) == "1,026"
    assert format_yi(Decimal(11_125_500)) == "1,112.55"
    assert format_yi(None) == "-"


def test_name_key_folds_brackets_width_and_spaces():
    from chainvest.engine.names import name_key

    assert name_key("腾讯科技（深圳）有限公司") == name_key("腾讯科技(深圳)有限公司")
    assert name_key(" 新疆 东方风电 有限公司") == "新疆东方风电有限公司"
    assert name_key("ＡＢＣ科技有限公司") == "ABC科技有限公司"


def test_branch_parent_finds_the_parent_company():
    from chainvest.engine.names import branch_parent, name_key

    assert branch_parent("特变电工股份有限公司昌吉分公司") == name_key("特变电工股份有限公司")
    assert branch_parent("特变电工股份有限公司") is None
