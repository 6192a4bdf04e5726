"""Property-based: the amount parser and the extractor never crash on arbitrary text."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainvest.engine.news import extract, load_gazetteer, to_json
from chainvest.engine.text import AmountError, find_money, parse_money

ROOT = Path(__file__).resolve().parents[2]
GAZ = load_gazetteer(ROOT / "data")

# Arbitrary text weighted towards the characters the rules look at.
PIECES = list(
    "0123456789.,，。；:：、个亿万千百十元到至多余超过以上签约项目总投资累计月日年在举行公司("
)
PIECES += ["签约", "项目", "亿元", "万元", "美元", "总投资", "累计", "其中", "有限公司", "\n"]
newsy = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=60).map("".join)
anything = st.one_of(st.text(max_size=200), newsy)


@settings(max_examples=300, deadline=None)
@given(anything)
def test_parse_money_returns_money_or_amount_error(text):
    try:
        money = parse_money(text)
    except AmountError:
        return
    assert money.min_wan is not None and money.min_wan >= 0
    assert money.max_wan is None or money.max_wan >= money.min_wan


@settings(max_examples=300, deadline=None)
@given(anything)
def test_find_money_spans_lie_inside_the_text(text):
    for a, b, money in find_money(text):
        assert 0 <= a < b <= len(text)
        assert money.text == text[a:b]


@settings(max_examples=200, deadline=None)
@given(anything)
def test_extractor_never_crashes_and_always_cites(text):
    result = extract(text, GAZ)
    out = to_json(result)
    assert set(out) == {"events", "cumulative"}
    for ev in result.events:
        assert ev.evidence
        assert ev.signed_count is None or ev.signed_count > 0


@pytest.mark.parametrize("text", ["", "\n\n", "。。。", "签约项目0个", "签约项目个亿元"])
def test_extractor_on_degenerate_text(text):
    assert isinstance(to_json(extract(text, GAZ)), dict)
