"""Where to grow: absent links ranked by density, value, weight and a local leader's demand."""

import numpy as np
import pytest

from chainvest.engine import growth

# Home (row 0) does links 0 and 1; region 1 does 0, 1 and 2; region 2 does 2 and 3.
M = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1]], float)
FLAT = np.ones(4)
NONE = np.zeros(4, bool)


def test_only_absent_links_are_ranked_the_closest_first():
    g = growth.grow(M, 0, FLAT, NONE)
    assert list(g.present) == [True, True, False, False]
    assert list(g.order) == [2, 3]  # link 2 sits beside 0 and 1 elsewhere; link 3 does not
    assert g.density[2] > g.density[3] == 0
    assert g.parts[2, 0] == 1.0 and list(g.score[:2]) == [0, 0]


def test_score_is_the_weighted_sum_of_the_parts():
    g = growth.grow(M, 0, np.array([1, 1, 5, 2]), NONE)
    w = np.array([g.weights[p] for p in growth.PARTS])
    assert g.score[2] == pytest.approx(g.parts[2] @ w)
    assert g.parts[2, 2] == 1.0 and g.parts[3, 2] == pytest.approx(0.4)
    assert sum(g.weights.values()) == pytest.approx(100)


def test_a_local_leaders_demand_can_lift_a_distant_link():
    demand = np.array([False, False, False, True])
    g = growth.grow(M, 0, FLAT, demand, weights={"buyer": 100, "fit": 10})
    assert list(g.order) == [3, 2]
    assert g.parts[3, 3] == 1.0


def test_empty_regions_and_links_do_not_produce_nan():
    m = np.vstack([M, np.zeros(4)])
    m = np.hstack([m, np.zeros((4, 1))])
    g = growth.grow(m, 0, np.ones(5), np.zeros(5, bool))
    assert np.isfinite(g.score).all() and np.isfinite(g.parts).all()
    assert 4 in g.order


def test_bad_weights_name_the_part():
    with pytest.raises(ValueError, match="size"):
        growth.check_weights({"size": 1})
