"""Conformance of engine.relatedness (Stata convention) with the Growth Lab's Stata outputs.

Fixtures: ../shared/peer-fixtures/ecomplexity (real trade data, 10 countries × 30 HS92
products × 1995-1996, and the Stata `ecomplexity` / `genproximity` outputs for several options).
Tolerances are those of the py-ecomplexity project (tests/fixtures/README.md, "Tolerance
Guidelines"): presence, diversity, ubiquity exact; RCA, ECI, PCI rtol 1e-5; density, COI, COG
rtol 1e-4. Stata computed RCA from single-precision values, hence RCA's 1e-7 gap.
"""

import numpy as np
import pytest

from chainvest.engine import relatedness as rel
from tests.engine.relatedness_fixtures import YEARS, matrix, proximity_matrix, trade

RTOL = {"rca": 1e-5, "eci": 1e-5, "pci": 1e-5, "density": 1e-4, "coi": 1e-4, "cog": 1e-4}
EXACT = ("mcp", "diversity", "ubiquity")
STATA_NAME = {"mcp": "M"}


def long_form(result: rel.Complexity) -> dict[str, np.ndarray]:
    """Our results laid out like Stata's long rows: one value per region × product."""
    shape = result.mcp.shape
    return {
        "rca": result.rca,
        "mcp": result.mcp,
        "density": result.density,
        "cog": result.cog,
        "diversity": np.broadcast_to(result.diversity[:, None], shape),
        "eci": np.broadcast_to(result.eci[:, None], shape),
        "coi": np.broadcast_to(result.coi[:, None], shape),
        "ubiquity": np.broadcast_to(result.ubiquity[None, :], shape),
        "pci": np.broadcast_to(result.pci[None, :], shape),
    }


def assert_matches_stata(result: rel.Complexity, fixture: str, year: int, columns) -> None:
    ours = long_form(result)
    for column in columns:
        expected = matrix(fixture, year, STATA_NAME.get(column, column))
        assert not np.isnan(expected).any(), f"{fixture} {year} {column} has missing values"
        if column in EXACT:
            np.testing.assert_array_equal(ours[column], expected, err_msg=column)
        else:
            np.testing.assert_allclose(ours[column], expected, rtol=RTOL[column], err_msg=column)


ALL = ("rca", "mcp", "diversity", "ubiquity", "density", "eci", "pci", "coi", "cog")


@pytest.mark.parametrize("year", YEARS)
def test_default_options_match_stata_ground_truth(year):
    result = rel.complexity(trade(year), convention="stata")
    assert_matches_stata(result, "stata_ground_truth.csv", year, ALL)


@pytest.mark.parametrize("year", YEARS)
def test_continuous_proximity_matches_stata_cont(year):
    result = rel.complexity(trade(year), convention="stata", continuous=True)
    assert_matches_stata(result, "stata_continuous.csv", year, ALL)


@pytest.mark.parametrize("year", YEARS)
def test_asymmetric_proximity_matches_stata_asym(year):
    result = rel.complexity(trade(year), convention="stata", asymmetric=True)
    assert_matches_stata(result, "stata_discrete_asymmetric.csv", year, ALL)


@pytest.mark.parametrize("year", YEARS)
def test_manual_presence_matches_stata_bi(year):
    given = matrix("manual_mcp_sample.csv", year, "mcp")
    result = rel.complexity(given, mcp=given, convention="stata")
    expected_presence = matrix("stata_manual_mcp.csv", year, "binary_presence")
    np.testing.assert_array_equal(result.mcp, expected_presence)
    columns = ("diversity", "ubiquity", "density", "eci", "pci", "coi", "cog")
    assert_matches_stata(result, "stata_manual_mcp.csv", year, columns)


@pytest.mark.parametrize("year", YEARS)
def test_rca_threshold_2_matches_stata_where_stata_has_values(year):
    result = rel.complexity(trade(year), convention="stata", threshold=2.0)
    assert_matches_stata(result, "stata_rca_2.csv", year, ("rca", "mcp", "diversity", "ubiquity"))


@pytest.mark.parametrize("year", YEARS)
def test_rca_threshold_2_gives_numbers_where_stata_gives_missing(year):
    """Some countries have nothing present at RCA ≥ 2: Stata leaves every ECI missing."""
    assert np.isnan(matrix("stata_rca_2.csv", year, "eci")).all()
    result = rel.complexity(trade(year), convention="stata", threshold=2.0)
    assert not result.active_regions.all()
    for name in ("density", "eci", "pci", "coi", "cog"):
        assert np.isfinite(getattr(result, name)).all(), name
    assert (result.eci[~result.active_regions] == 0).all()
    assert result.eci[result.active_regions].std() > 0


@pytest.mark.parametrize(
    ("fixture", "continuous"),
    [("stata_proximity_discrete_sym.csv", False), ("stata_proximity_continuous.csv", True)],
)
@pytest.mark.parametrize("year", YEARS)
def test_proximity_matches_stata_genproximity(fixture, continuous, year):
    # genproximity has no tolerance of its own in py-ecomplexity; proximity is a derived
    # metric like density, so the same rtol 1e-4.
    result = rel.complexity(trade(year), convention="stata", continuous=continuous)
    np.testing.assert_allclose(result.proximity, proximity_matrix(fixture, year), rtol=1e-4)


def test_stata_convention_differs_from_the_package_convention_on_the_fixture():
    stata = rel.complexity(trade(1995), convention="stata")
    package = rel.complexity(trade(1995), convention="ecomplexity")
    np.testing.assert_array_equal(stata.mcp, package.mcp)
    assert np.abs(stata.density - package.density).max() > 1e-2
    assert np.abs(stata.eci - package.eci).max() > 1e-3
