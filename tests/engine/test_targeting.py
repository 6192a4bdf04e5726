"""Targeting engine on hand-worked small pools."""

import numpy as np
import pytest

from chainvest.engine import snapshot as sn
from chainvest.engine import targeting as tg

LINK, OTHER = 7, 8
TODAY = 20000


def pool(rows):
    """rows: (id, region, capital, insured, established, flags, links[(id, conf)])."""
    columns = {
        "ids": [r[0] for r in rows],
        "region": [r[1] for r in rows],
        "industry": [0] * len(rows),
        "capital": [r[2] for r in rows],
        "insured": [r[3] for r in rows],
        "established": [r[4] for r in rows],
        "status": [1] * len(rows),
        "flags": [r[5] for r in rows],
    }
    counts = [len(r[6]) for r in rows]
    links = [lk for r in rows for lk, _ in r[6]]
    conf = [c for r in rows for _, c in r[6]]
    return sn.from_columns(columns, counts, links, conf)


def context(**kw):
    base = {"home_prefix": "6523", "home_links": np.array([OTHER]), "today": TODAY}
    base.update({k: np.asarray(v, np.int64) if k != "today" else v for k, v in kw.items()})
    return tg.Context(**base)


SNAP = pool(
    [
        (1, 652301, 1e5, 5000, 0, 0, [(LINK, 1.0)]),  # local: never a target
        (2, 110101, 1e5, 5000, 0, sn.FLAG_LISTED, [(LINK, 1.0)]),  # full scale elsewhere
        (3, 110101, 0.0, 0, sn.DAY_NA, 0, [(LINK, 0.5), (OTHER, 1.0)]),  # small but fits
        (4, 310101, 0.0, 0, TODAY - 100, 0, [(LINK, 0.5)]),  # young
        (5, 310101, 1e3, 10, 0, sn.FLAG_ARCHIVED, [(LINK, 1.0)]),  # archived
        (6, 310101, 1e3, 10, 0, 0, [(OTHER, 1.0)]),  # not on the link
    ]
)


def test_parts_are_worked_out_by_hand_and_score_is_their_weighted_sum():
    new, _ = tg.rank(SNAP, LINK, context(), k=10)
    assert list(new.ids) == [2, 3, 4]
    by_id = dict(zip(new.ids.tolist(), new.parts.tolist(), strict=True))
    assert by_id[2] == pytest.approx([1.0, 1.0, 0.0, 0.0, 0.0])
    assert by_id[3] == pytest.approx([0.5, 0.0, 0.0, 0.0, 1.0])  # its other link is here
    assert by_id[4] == pytest.approx([0.5, 0.0, 0.0, 0.3, 0.0])  # founded 100 days ago
    assert new.score[0] == pytest.approx(25 + 25)
    assert np.allclose(new.contributions.sum(axis=1), new.score)


def test_local_archived_and_off_link_enterprises_are_excluded():
    new, known = tg.rank(SNAP, LINK, context(), k=10)
    assert not {1, 5, 6} & set(new.ids.tolist()) | set(known.ids.tolist())
    assert new.candidates == 3


def test_engaged_and_pipeline_enterprises_are_marked_not_recommended():
    new, known = tg.rank(SNAP, LINK, context(engaged_ids=[2], pipeline_ids=[3]), k=10)
    assert list(new.ids) == [4]
    assert dict(zip(known.ids.tolist(), known.status.tolist(), strict=True)) == {
        2: tg.ENGAGED,
        3: tg.PIPELINE,
    }


def test_a_tie_to_a_local_leader_lifts_a_target_above_a_larger_one():
    plain, _ = tg.rank(SNAP, LINK, context(), k=1)
    tied, _ = tg.rank(SNAP, LINK, context(leader_tie_ids=[4]), k=3, weights={"ties": 60})
    assert plain.ids[0] == 2
    assert tied.ids[0] == 4
    assert tied.parts[0, 2] == 1.0


def test_investor_tie_counts_less_than_a_leader_tie_and_expansions_cap_at_three():
    new, _ = tg.rank(
        SNAP,
        LINK,
        context(investor_tie_ids=[3], expansion_ids=[3, 4], expansion_counts=[9, 1]),
        k=10,
    )
    parts = dict(zip(new.ids.tolist(), new.parts.tolist(), strict=True))
    assert parts[3][2] == pytest.approx(0.7)
    assert parts[3][3] == pytest.approx(0.7)
    assert parts[4][3] == pytest.approx(0.7 / 3 + 0.3)


def test_weights_are_rescaled_to_100_and_checked():
    w = tg.check_weights({"link": 50, "scale": 50, "ties": 0, "momentum": 0, "fit": 0})
    assert w == {"link": 50, "scale": 50, "ties": 0, "momentum": 0, "fit": 0}
    assert sum(tg.check_weights({"ties": 80}).values()) == pytest.approx(100)
    with pytest.raises(ValueError, match="unknown weight"):
        tg.check_weights({"size": 1})
    with pytest.raises(ValueError, match="ties"):
        tg.check_weights({"ties": -1})


def test_weights_change_the_order():
    by_fit, _ = tg.rank(SNAP, LINK, context(), k=3, weights=dict.fromkeys(tg.PARTS, 0) | {"fit": 1})
    assert by_fit.ids[0] == 3


def test_top_k_is_best_first_and_stable_on_ties():
    score = np.array([1.0, 5.0, 3.0, 5.0, 0.0])
    assert list(tg.top_k(score, 3)) == [1, 3, 2]
    assert list(tg.top_k(score, 10)) == [1, 3, 2, 0, 4]
    assert list(tg.top_k(score, 0)) == []


def test_region_range_follows_the_code_prefix():
    assert tg.region_range("6523") == (652300, 652400)
    assert tg.region_range("65") == (650000, 660000)


def test_reasons_name_the_numbers():
    parts = np.array([0.9, 0.8, 1.0, 0.5, 0.5])
    text = tg.reasons(parts, 25000.0, 1200, True, 0.9, 2, 3, ["特变电工"], "leader")
    assert text[0] == "在本环节的分类置信度为0.90。"
    assert "注册资本2.50亿元" in text[1] and "参保1,200人" in text[1] and "上市" in text[1]
    assert "特变电工" in text[2] and "以商招商" in text[2]
    assert "2家" in text[3] and "3个" in text[4]
    assert len(tg.reasons(np.zeros(5), float("nan"), -1, False, 0.3, 0, 0)) == 1


def test_link_index_holds_each_links_eligible_candidates_contiguously():
    ctx = context()
    index = tg.LinkIndex.build(SNAP, "6523", ctx.home_links)
    assert list(index.ids[index.span(LINK)]) == [2, 3, 4]
    assert list(index.ids[index.span(OTHER)]) == [3, 6]
    assert list(index.fit[index.span(LINK)]) == [0.0, 1.0, 0.0]
    assert index.span(999) == slice(0, 0)
    fast, _ = tg.rank(SNAP, LINK, ctx, k=10, index=index)
    assert list(fast.ids) == [2, 3, 4] and list(SNAP.ids[fast.rows]) == [2, 3, 4]
    with pytest.raises(ValueError, match="6523"):
        tg.rank(SNAP, LINK, tg.Context(home_prefix="11", home_links=[]), index=index)


def test_home_links_are_the_links_of_live_local_enterprises():
    assert list(tg.home_links(SNAP, "6523")) == [LINK]
    assert list(tg.home_links(SNAP, "11")) == [LINK, OTHER]
