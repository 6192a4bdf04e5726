"""Readers for the py-ecomplexity fixtures in ../shared/peer-fixtures/ecomplexity (see its README).

Long CSV rows (year, origin, hs92, ...) become region × product matrices, regions and products
in sorted order, as the Stata and Python references lay them out.
"""

import csv
from functools import cache
from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "peer-fixtures" / "ecomplexity"
YEARS = (1995, 1996)


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"peer fixture {path} is not available")
    with path.open(newline="") as f:
        return tuple(csv.DictReader(f))


def number(text: str) -> float:
    """Stata writes '.57' and '-.99'; an empty field is missing."""
    return float(text) if text.strip() else np.nan


def axes(year: int) -> tuple[list[str], list[str]]:
    data = [r for r in rows("trade_data_sample.csv") if int(r["year"]) == year]
    return sorted({r["origin"] for r in data}), sorted({r["hs92"] for r in data})


def matrix(name: str, year: int, column: str) -> np.ndarray:
    """`column` of a long fixture for one year as a region × product matrix (NaN if absent)."""
    regions, products = axes(year)
    out = np.full((len(regions), len(products)), np.nan)
    where_r = {code: i for i, code in enumerate(regions)}
    where_p = {code: j for j, code in enumerate(products)}
    for r in rows(name):
        if int(r["year"]) == year:
            out[where_r[r["origin"]], where_p[r["hs92"]]] = number(r[column])
    return out


def trade(year: int) -> np.ndarray:
    return np.nan_to_num(matrix("trade_data_sample.csv", year, "export_val"))


def proximity_matrix(name: str, year: int) -> np.ndarray:
    """Rows 1-900 are 1995, 901-1800 are 1996, hs92_1 varying slowest (see the README)."""
    _, products = axes(year)
    n = len(products)
    part = rows(name)[(year - YEARS[0]) * n * n : (year - YEARS[0] + 1) * n * n]
    assert [r["hs92_1"] for r in part[::n]] == products
    return np.array([number(r["proximity"]) for r in part]).reshape(n, n)
