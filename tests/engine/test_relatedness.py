"""engine.relatedness: definitions, empty rows and columns, input checks, pool matrices."""

import numpy as np
import pytest
import scipy.sparse as sp

from chainvest.engine import relatedness as rel
from chainvest.engine import snapshot

RESULT_FIELDS = ("rca", "mcp", "proximity", "density", "eci", "pci", "coi", "cog")


def counts(regions: int = 12, activities: int = 9, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    size = np.outer(rng.lognormal(0, 1, regions), rng.lognormal(0, 1, activities))
    gap = np.clip(rng.uniform(size=activities)[None, :] - rng.uniform(size=regions)[:, None], 0, 1)
    return rng.poisson(3 * size * np.exp(-4 * gap)).astype(np.float64) + (
        rng.random(size.shape) < 0.3
    )


def assert_finite(result: rel.Complexity) -> None:
    for name in RESULT_FIELDS:
        assert np.isfinite(getattr(result, name)).all(), name


def test_rca_is_the_share_in_the_region_over_the_share_overall():
    values = np.array([[3.0, 1.0], [1.0, 3.0]])
    # region 0: 3/4 of its total in activity 0, which is 4/8 of everything -> 1.5
    np.testing.assert_allclose(rel.rca(values), [[1.5, 0.5], [0.5, 1.5]])
    np.testing.assert_array_equal(rel.presence(rel.rca(values)), [[1, 0], [0, 1]])
    np.testing.assert_array_equal(rel.presence(rel.rca(values), threshold=0.5), [[1, 1], [1, 1]])


@pytest.mark.parametrize("convention", rel.CONVENTIONS)
def test_eci_is_the_mean_pci_of_the_activities_a_region_has(convention):
    result = rel.complexity(counts(), convention=convention)
    mean_pci = (result.mcp @ result.pci) / result.diversity
    np.testing.assert_allclose(result.eci, mean_pci, atol=1e-12)


@pytest.mark.parametrize("convention", rel.CONVENTIONS)
def test_eci_is_standardised_with_the_conventions_standard_deviation(convention):
    result = rel.complexity(counts(), convention=convention)
    assert abs(result.eci.mean()) < 1e-12
    n_activities = result.mcp.shape[1]
    long_rows = np.repeat(result.eci, n_activities)
    expected = long_rows.std(ddof=1) if convention == "stata" else result.eci.std()
    assert expected == pytest.approx(1.0)
    assert np.corrcoef(result.eci, result.diversity)[0, 1] > 0


def test_stata_proximity_has_a_zero_diagonal_and_the_package_keeps_one():
    values = counts()
    stata = rel.complexity(values, convention="stata")
    package = rel.complexity(values, convention="ecomplexity")
    np.testing.assert_array_equal(np.diag(stata.proximity), 0.0)
    np.testing.assert_array_equal(np.diag(package.proximity), 1.0)
    off_diagonal = ~np.eye(values.shape[1], dtype=bool)
    np.testing.assert_array_equal(stata.proximity[off_diagonal], package.proximity[off_diagonal])


def test_density_of_a_region_with_every_activity_is_one():
    values = counts()
    given = rel.presence(rel.rca(values))
    given[0] = 1.0
    result = rel.complexity(values, convention="stata", mcp=given)
    np.testing.assert_allclose(result.density[0], 1.0)
    assert (result.density[1:] < 1).any()


def test_outlook_gain_is_zero_where_the_activity_is_present():
    result = rel.complexity(counts())
    assert (result.cog[result.mcp == 1] == 0).all()
    assert (result.cog[result.mcp == 0] != 0).any()


@pytest.mark.parametrize("convention", rel.CONVENTIONS)
@pytest.mark.parametrize("continuous", [False, True])
def test_empty_regions_and_activities_get_numbers_and_change_nothing_else(convention, continuous):
    values = counts()
    padded = np.insert(np.insert(values, 4, 0.0, axis=0), 2, 0.0, axis=1)
    full = rel.complexity(padded, convention=convention, continuous=continuous)
    bare = rel.complexity(values, convention=convention, continuous=continuous)
    assert_finite(full)
    assert not full.active_regions[4] and not full.active_activities[2]
    assert full.eci[4] == 0 and full.pci[2] == 0
    assert (full.rca[4] == 0).all() and (full.density[:, 2] == 0).all()
    keep_r, keep_c = np.arange(len(padded)) != 4, np.arange(padded.shape[1]) != 2
    np.testing.assert_allclose(full.eci[keep_r], bare.eci, atol=1e-12)
    np.testing.assert_allclose(full.pci[keep_c], bare.pci, atol=1e-12)
    np.testing.assert_allclose(full.coi[keep_r], bare.coi, atol=1e-12)
    np.testing.assert_allclose(full.density[np.ix_(keep_r, keep_c)], bare.density, atol=1e-12)
    np.testing.assert_allclose(full.cog[np.ix_(keep_r, keep_c)], bare.cog, atol=1e-12)


def test_a_region_with_activity_but_nothing_present_is_inactive_not_nan():
    values = counts()
    values[3] = values.sum(axis=0) / 100  # RCA exactly 1 everywhere: nothing at RCA >= 1.5
    result = rel.complexity(values, threshold=1.5)
    assert result.diversity[3] == 0 and not result.active_regions[3]
    assert_finite(result)
    assert result.eci[3] == 0
    assert result.eci[result.active_regions].std() > 0


@pytest.mark.parametrize("shape", [(0, 0), (1, 5), (5, 1), (4, 3)])
def test_degenerate_matrices_give_zeros_not_nan(shape):
    result = rel.complexity(np.zeros(shape))
    assert_finite(result)
    assert not result.eci.any() and not result.pci.any() and not result.cog.any()


def test_a_single_region_has_no_complexity_to_rank():
    result = rel.complexity(np.array([[1.0, 2.0, 3.0]]))
    assert_finite(result)
    np.testing.assert_array_equal(result.eci, [0.0])


def test_sparse_input_gives_the_same_results_as_dense():
    values = counts()
    dense, sparse = rel.complexity(values), rel.complexity(sp.csr_array(values))
    for name in RESULT_FIELDS:
        np.testing.assert_array_equal(getattr(sparse, name), getattr(dense, name))


def test_manual_presence_replaces_the_threshold():
    values = counts()
    given = (values > 0).astype(float)
    result = rel.complexity(values, mcp=given)
    np.testing.assert_array_equal(result.mcp, given)
    np.testing.assert_array_equal(result.diversity, given.sum(axis=1))


def test_dense_and_iterative_eigensolvers_agree(monkeypatch):
    values = counts(80, 30)
    dense = rel.complexity(values)
    monkeypatch.setattr(rel, "DENSE_EIGEN_MAX", 5)
    iterative = rel.complexity(values)
    np.testing.assert_allclose(iterative.eci, dense.eci, atol=1e-10)
    np.testing.assert_allclose(iterative.pci, dense.pci, atol=1e-10)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (np.array([[1.0, -1.0]]), "values must be finite and not negative"),
        (np.array([[1.0, np.nan]]), "values must be finite and not negative"),
        (np.array([[1.0, np.inf]]), "values must be finite and not negative"),
        (np.array([1.0, 2.0]), "values must be a 2-D region × activity matrix"),
    ],
)
def test_bad_values_are_refused_with_the_reason(values, message):
    with pytest.raises(ValueError, match=message):
        rel.complexity(values)


def test_bad_options_are_refused_with_the_reason():
    values = counts()
    with pytest.raises(ValueError, match="convention must be one of"):
        rel.complexity(values, convention="harvard")
    with pytest.raises(ValueError, match="threshold must be positive"):
        rel.complexity(values, threshold=0)
    with pytest.raises(ValueError, match="mcp must contain only 0 and 1"):
        rel.complexity(values, mcp=values)
    with pytest.raises(ValueError, match="mcp has shape"):
        rel.complexity(values, mcp=np.ones((2, 2)))


def test_matrix_from_pool_counts_or_sums_weights_per_region_and_activity():
    region = np.array([0, 0, 2, 2, 2])
    activity = np.array([1, 1, 0, 3, 3])
    capital = np.array([10.0, 5.0, 1.0, 2.0, 4.0])
    counted = rel.matrix_from_pool(region, activity)
    summed = rel.matrix_from_pool(region, activity, capital, shape=(4, 5))
    np.testing.assert_array_equal(counted.toarray(), [[0, 2, 0, 0], [0, 0, 0, 0], [1, 0, 0, 2]])
    assert summed.shape == (4, 5)
    assert summed[0, 1] == 15.0 and summed[2, 3] == 6.0 and summed.sum() == capital.sum()


def test_matrix_from_pool_refuses_mismatched_or_negative_input():
    with pytest.raises(ValueError, match="same length"):
        rel.matrix_from_pool(np.array([0, 1]), np.array([0]))
    with pytest.raises(ValueError, match="weights has 1 entries"):
        rel.matrix_from_pool(np.array([0, 1]), np.array([0, 1]), np.array([1.0]))
    with pytest.raises(ValueError, match="must not be negative"):
        rel.matrix_from_pool(np.array([0, -1]), np.array([0, 1]))
    with pytest.raises(ValueError, match="weights must be finite"):
        rel.matrix_from_pool(np.array([0, 1]), np.array([0, 1]), np.array([1.0, -2.0]))


def small_pool() -> snapshot.Snapshot:
    """Five enterprises: two in 652301 (one archived), two in 652325, one without a region."""
    columns = {
        "ids": [1, 2, 3, 4, 5],
        "region": [652301, 652301, 652325, 652325, 0],
        "industry": [2614, 2614, 3841, 0, 2614],
        "capital": [100.0, 50.0, np.nan, 30.0, 7.0],
        "insured": [-1] * 5,
        "established": [0] * 5,
        "status": [1] * 5,
        "flags": [0, snapshot.FLAG_ARCHIVED, 0, 0, 0],
    }
    links = [[11, 12], [11], [12], [13], [11]]
    conf = [[0.9, 0.4], [0.9], [0.8], [0.7], [0.9]]
    return snapshot.from_columns(columns, [len(x) for x in links], sum(links, []), sum(conf, []))


def test_pool_matrix_counts_live_enterprises_per_region_and_link():
    result = rel.pool_matrix(small_pool(), by="link")
    np.testing.assert_array_equal(result.regions, [652301, 652325])
    np.testing.assert_array_equal(result.activities, [11, 12, 13])
    np.testing.assert_array_equal(result.values.toarray(), [[1, 1, 0], [0, 1, 1]])


def test_pool_matrix_sums_capital_per_industry_class_on_given_axes():
    result = rel.pool_matrix(
        small_pool(), by="industry", weight="capital", activities=np.array([2614, 3841, 3899])
    )
    # unknown capital counts 0; an industry class with nobody stays as an empty column
    np.testing.assert_array_equal(result.values.toarray(), [[100, 0, 0], [0, 0, 0]])


def test_pool_matrix_leaves_out_unsure_link_assignments():
    result = rel.pool_matrix(small_pool(), by="link", min_confidence=0.5)
    np.testing.assert_array_equal(result.values.toarray(), [[1, 0, 0], [0, 1, 1]])


def test_pool_matrix_refuses_unknown_choices():
    with pytest.raises(ValueError, match="weight must be 'count' or 'capital'"):
        rel.pool_matrix(small_pool(), weight="employees")
    with pytest.raises(ValueError, match="by must be 'link' or 'industry'"):
        rel.pool_matrix(small_pool(), by="chain")
