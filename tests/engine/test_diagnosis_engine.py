"""engine.diagnosis: link statuses, actions, completeness, matching rate, LQ — worked on paper."""

import itertools
import math

import pytest

from chainvest.engine.diagnosis import (
    BUILD,
    EXTEND,
    FILL,
    FILLING,
    MISSING,
    STRENGTHEN,
    STRONG,
    WEAK,
    LinkFacts,
    Thresholds,
    chain_action,
    completeness,
    diagnose,
    link_action,
    link_status,
    location_quotient,
    matching_rate,
    relatedness,
)

# The hand-built chain used below (ids are the link numbers):
#
#   1 ore (w1) → 2 smelting (w3) → 3 parts (w2) → 4 assembly (w3) → 5 service (w1)
#                           └──────────────────────↗
# flows: 1→2, 2→3, 2→4, 3→4, 4→5
EDGES = [(1, 2), (2, 3), (2, 4), (3, 4), (4, 5)]
TOTALS = (20, 200)  # 20 local enterprises in the pool, 200 in the whole pool
LINKS = [
    LinkFacts(1, "矿石", weight=1, national_count=6),
    LinkFacts(2, "冶炼", weight=3, local_count=4, local_capital_wan=30000, national_count=10),
    LinkFacts(3, "零部件", weight=2, national_count=5, pipeline_signed=1),
    LinkFacts(4, "总装", weight=3, local_count=2, local_capital_wan=5000, national_count=8),
    LinkFacts(5, "服务", weight=1, national_count=4),
]


def test_statuses_and_actions_of_the_hand_built_chain():
    """On paper, with the default bars (3 enterprises, 1 亿元, LQ 1.0) and totals 20 / 200:

    1 ore: no local enterprise → missing. Nothing feeds it, so no present link upstream → 延链.
    2 smelting: 4 local, 3 亿元, LQ = (4/20)/(10/200) = 0.20/0.05 = 4.0 → strong, no action.
    3 parts: none here, but a signed project targets it → filling. Upstream 2 is present,
      downstream 4 is present → 补链.
    4 assembly: 2 local (< 3) and 0.5 亿元 (< 1) → weak, LQ (2/20)/(8/200) = 2.5 fine → 强链.
    5 service: none here; upstream 4 (and 2) present, nothing downstream → 延链.
    """
    verdict = diagnose(LINKS, EDGES, TOTALS, Thresholds())
    got = {i: (v.status, v.action) for i, v in verdict.links.items()}
    assert got == {
        1: (MISSING, EXTEND),
        2: (STRONG, ""),
        3: (FILLING, FILL),
        4: (WEAK, STRENGTHEN),
        5: (MISSING, EXTEND),
    }
    assert verdict.links[2].location_quotient == pytest.approx(4.0)
    assert verdict.links[4].location_quotient == pytest.approx(2.5)
    assert verdict.links[3].location_quotient == 0.0  # in the pool elsewhere, none here


def test_completeness_is_the_weighted_share_of_present_links():
    """Weights 1+3+2+3+1 = 10; present are 2 (w3) and 4 (w3): 6/10 = 0.6.

    The filling link 3 is not present yet (no local enterprise) and does not count."""
    verdict = diagnose(LINKS, EDGES, TOTALS, Thresholds())
    assert verdict.completeness == pytest.approx(0.6)
    weights = {f.link_id: f.weight for f in LINKS}
    assert completeness(weights, {2: True, 4: True}) == pytest.approx(0.6)
    assert completeness(weights, {}) == 0.0
    assert completeness({}, {}) == 0.0  # a chain without links


def test_matching_rate_counts_the_leaders_input_links_served_here():
    """A leader on 4 (assembly): its inputs are 2 and 3; 2 is present, 3 is not → 1/2.

    Leaders on 4 and 2: inputs {2, 3} ∪ {1} = {1, 2, 3}; only 2 present → 1/3.
    A leader on 1 (ore) has no inputs → None, and no leader → None."""
    present = {2: True, 4: True}
    assert matching_rate([4], EDGES, present) == pytest.approx(0.5)
    assert matching_rate([4, 2], EDGES, present) == pytest.approx(1 / 3)
    assert matching_rate([1], EDGES, present) is None
    assert matching_rate([], EDGES, present) is None
    verdict = diagnose(LINKS, EDGES, TOTALS, Thresholds(), leader_links=[4])
    assert verdict.matching_rate == pytest.approx(0.5)


def test_lower_thresholds_make_the_weak_link_strong():
    """Assembly has 2 enterprises and 5000 万元: with bars of 2 and 5000 万元 it is strong."""
    bars = Thresholds(strong_min_enterprises=2, strong_min_capital_wan=5000)
    status, reasons = link_status(LINKS[3], 2.5, bars)
    assert status == STRONG
    assert "本地企业 2 家" in reasons[0]


def test_each_threshold_alone_can_make_a_link_weak():
    """Smelting (4 enterprises, 3 亿元, LQ 4.0) fails each bar raised above it, one at a time."""
    smelting, lq = LINKS[1], 4.0
    assert link_status(smelting, lq, Thresholds())[0] == STRONG
    for bars, words in [
        (Thresholds(strong_min_enterprises=5), "少于门槛 5 家"),
        (Thresholds(strong_min_capital_wan=40000), "低于门槛 4 亿元"),
        (Thresholds(strong_min_lq=4.5), "区位商 4.00，低于门槛 4.50"),
    ]:
        status, reasons = link_status(smelting, lq, bars)
        assert status == WEAK
        assert any(words in r for r in reasons), reasons


def test_an_unmeasurable_lq_does_not_make_a_link_weak():
    status, reasons = link_status(LINKS[1], None, Thresholds(strong_min_lq=100))
    assert status == STRONG
    assert any("区位商不参与判定" in r for r in reasons)


def test_a_project_under_construction_also_fills_a_gap_but_never_downgrades_strong():
    building = LinkFacts(9, "x", pipeline_building=1)
    assert link_status(building, None, Thresholds())[0] == FILLING
    strong = LinkFacts(9, "x", local_count=5, local_capital_wan=50000, pipeline_signed=2)
    assert link_status(strong, 1.5, Thresholds())[0] == STRONG


def test_a_weak_link_targeted_by_a_project_is_filling_and_still_calls_for_strengthening():
    facts = LinkFacts(4, "总装", weight=3, local_count=2, national_count=8, pipeline_signed=1)
    links = [f if f.link_id != 4 else facts for f in LINKS]
    verdict = diagnose(links, EDGES, TOTALS, Thresholds())
    assert (verdict.links[4].status, verdict.links[4].action) == (FILLING, STRENGTHEN)


def test_gap_between_links_is_found_through_other_missing_links():
    """Flows 1→2→4→3 with 1 and 3 present, 2 and 4 missing: 2 has 1 upstream and 3 downstream
    (through 4), and 4 has 1 upstream (through 2) and 3 downstream: both 补链, not 延链."""
    edges = [(1, 2), (2, 4), (4, 3)]
    present = {1: True, 3: True}
    assert link_action(2, present, edges)[0] == FILL
    assert link_action(4, present, edges)[0] == FILL
    assert link_action(1, present, edges) == ("", "")


def test_isolated_missing_link_and_cycles_are_extend_and_terminate():
    assert link_action(7, {1: True}, [(1, 2)])[0] == EXTEND
    cycle = [(1, 2), (2, 3), (3, 1)]
    assert link_action(2, {}, cycle)[0] == EXTEND
    assert link_action(2, {1: True, 3: True}, cycle)[0] == FILL


def test_action_reasons_name_the_present_neighbours():
    action, reason = link_action(3, {2: True, 4: True}, EDGES, {2: "冶炼", 4: "总装"})
    assert action == FILL and "冶炼" in reason and "总装" in reason


# --- location quotient --------------------------------------------------------------------


def test_location_quotient_by_hand():
    """(3/10) ÷ (30/1000) = 0.3 / 0.03 = 10."""
    assert location_quotient(3, 10, 30, 1000) == pytest.approx(10.0)


def test_location_quotient_is_one_when_the_pool_is_only_local():
    assert location_quotient(4, 20, 4, 20) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0, 0, 0, 0), None),  # empty pool
        ((0, 0, 5, 100), None),  # no local enterprise at all
        ((1, 10, 0, 100), None),  # nobody on the link anywhere (inconsistent: clamped, None)
        ((0, 10, 5, 0), None),  # national total zero
        ((0, 10, 5, 100), 0.0),  # on the link elsewhere, not here
    ],
)
def test_location_quotient_edge_cases(args, expected):
    assert location_quotient(*args) == expected


def test_location_quotient_is_never_nan_or_infinite():
    for args in itertools.product(range(0, 4), repeat=4):
        value = location_quotient(*args)
        assert value is None or (math.isfinite(value) and value >= 0), args


# --- 建链 -------------------------------------------------------------------------------


def test_relatedness_is_the_weighted_share_of_links_in_local_divisions():
    """Links 1 (w1, division 08) 2 (w3, 32) 3 (w2, 33); the region works in 32 and 33:
    (3 + 2) / (1 + 3 + 2) = 5/6. A link without classes is left out of both sides."""
    weights = {1: 1, 2: 3, 3: 2, 4: 5}
    divisions = {1: {"08"}, 2: {"32"}, 3: {"33", "34"}, 4: set()}
    assert relatedness(weights, divisions, {"32", "33"}) == pytest.approx(5 / 6)
    assert relatedness(weights, {4: set()}, {"32"}) is None


def test_build_is_advised_when_little_is_here_but_the_chain_is_related():
    bars = Thresholds(build_max_completeness=0.2, build_min_relatedness=0.5)
    assert chain_action(0.1, 0.6, bars)[0] == BUILD
    assert chain_action(0.1, 0.4, bars)[0] == ""
    assert chain_action(0.1, None, bars)[0] == ""
    assert chain_action(0.25, 0.9, bars)[0] == ""


def test_reasons_carry_the_numbers():
    verdict = diagnose(LINKS, EDGES, TOTALS, Thresholds())
    assert "注册资本合计 0.5 亿元" in " ".join(verdict.links[4].reasons)
    assert "区位商 4.00" in verdict.links[2].reasons[0]
    assert "1 个已签约项目" in " ".join(verdict.links[3].reasons)


def test_flows_to_links_outside_the_chain_are_ignored():
    verdict = diagnose(LINKS, EDGES + [(99, 1), (5, 98)], TOTALS, Thresholds())
    assert verdict.links[1].action == EXTEND and verdict.links[5].action == EXTEND
