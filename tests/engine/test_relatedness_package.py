"""engine.relatedness in the "ecomplexity" convention against the PyPI package ecomplexity 0.5.3.

The package is not a dependency of chainvest (bench/bench_relatedness.py installs it); these
tests skip when it is missing. Every output must agree to 1e-9.
"""

import contextlib
import io
import warnings

import numpy as np
import pytest

from chainvest.engine import relatedness as rel
from tests.engine.relatedness_fixtures import YEARS, trade

pd = pytest.importorskip("pandas")
ecomplexity = pytest.importorskip("ecomplexity")

COLUMNS = ("rca", "mcp", "diversity", "ubiquity", "density", "eci", "pci", "coi", "cog")
COLS = {"time": "year", "loc": "loc", "prod": "prod", "val": "val"}


def run_package(values: np.ndarray, **options) -> dict[str, np.ndarray]:
    """The package's outputs as region × activity matrices (NaN where it gives no row)."""
    regions, activities = np.nonzero(values)
    frame = pd.DataFrame(
        {"year": 2024, "loc": regions, "prod": activities, "val": values[regions, activities]}
    )
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        out = ecomplexity.ecomplexity(
            frame, COLS, verbose=False, check_logsupermodularity=False, **options
        )
    rows, cols = out["loc"].to_numpy(), out["prod"].to_numpy()
    result = {}
    for column in COLUMNS:
        result[column] = np.full(values.shape, np.nan)
        result[column][rows, cols] = out[column].to_numpy(dtype=np.float64)
    return result


def long_form(result: rel.Complexity) -> dict[str, np.ndarray]:
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


def synthetic(regions: int, activities: int, seed: int) -> np.ndarray:
    """Enterprise-count-like matrix: capable regions hold complex activities more often."""
    rng = np.random.default_rng(seed)
    size = np.outer(rng.lognormal(0, 1, regions), rng.lognormal(0, 1, activities))
    gap = np.clip(rng.uniform(size=activities)[None, :] - rng.uniform(size=regions)[:, None], 0, 1)
    return rng.poisson(0.8 * size * np.exp(-5 * gap)).astype(np.float64)


OPTIONS = [{}, {"continuous": True}, {"asymmetric": True}, {"rca_mcp_threshold": 0.5}]


def _ours(options: dict) -> dict:
    renamed = dict(options)
    if "rca_mcp_threshold" in renamed:
        renamed["threshold"] = renamed.pop("rca_mcp_threshold")
    return renamed


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("year", YEARS)
def test_matches_package_on_the_trade_fixture(year, options):
    theirs = run_package(trade(year), **options)
    ours = long_form(rel.complexity(trade(year), convention="ecomplexity", **_ours(options)))
    for column in COLUMNS:
        np.testing.assert_allclose(ours[column], theirs[column], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("options", OPTIONS[:3])
def test_matches_package_on_a_matrix_large_enough_for_the_sparse_eigensolver(options):
    values = synthetic(400, rel.DENSE_EIGEN_MAX + 60, seed=7)
    theirs = run_package(values, **options)
    result = rel.complexity(values, convention="ecomplexity", **options)
    assert result.active_regions.all() and result.active_activities.all()
    ours = long_form(result)
    for column in COLUMNS:
        np.testing.assert_allclose(ours[column], theirs[column], rtol=1e-9, atol=1e-9)


def test_empty_regions_and_activities_leave_the_others_as_the_package_has_them():
    values = synthetic(60, 40, seed=3)
    values[[5, 17], :] = 0.0
    values[:, [0, 9]] = 0.0
    theirs = run_package(values)  # the package drops empty rows and columns
    ours = long_form(rel.complexity(values, convention="ecomplexity"))
    keep_r, keep_c = values.any(axis=1), values.any(axis=0)
    for column in COLUMNS:
        np.testing.assert_allclose(
            ours[column][keep_r][:, keep_c],
            theirs[column][keep_r][:, keep_c],
            rtol=1e-9,
            atol=1e-9,
            err_msg=column,
        )
