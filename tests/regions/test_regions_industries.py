"""The GB/T 4754-2017 table: complete, consistent, and the same as the shared transcription."""

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from chainvest.regions.loaders import load_reference
from chainvest.regions.models import IndustryCode

DATA_FILE = Path(settings.DATA_DIR) / "industries" / "gbt4754-2017.csv"
SHARED_FILE = Path("/work/shared/reference/gbt4754-2017.csv")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def industries(db) -> dict[str, IndustryCode]:
    load_reference()
    return {i.code: i for i in IndustryCode.objects.select_related("parent")}


def test_table_has_20_sections_97_divisions_473_groups_1381_classes(industries):
    assert Counter(i.level for i in industries.values()) == {1: 20, 2: 97, 3: 473, 4: 1381}


def test_every_code_sits_under_a_parent_one_level_up(industries):
    for item in industries.values():
        if item.level == 1:
            assert item.parent is None
        else:
            assert item.parent.level == item.level - 1, item.code
    assert all(i.code.startswith(i.parent.code) for i in industries.values() if i.level > 2)


def test_known_entries_are_in_place(industries):
    assert industries["C"].name == "制造业"
    assert industries["3825"].parent.code == "382"
    assert industries["38"].parent.code == "C"
    assert industries["0111"].name == "稻谷种植"


def test_database_matches_the_data_file_row_for_row(industries):
    expected = {
        r["code"]: (r["name"], int(r["level"]), r["parent"] or None) for r in _rows(DATA_FILE)
    }
    loaded = {
        code: (i.name, i.level, i.parent.code if i.parent else None)
        for code, i in industries.items()
    }
    assert loaded == expected


@pytest.mark.skipif(not SHARED_FILE.exists(), reason="shared reference not on this machine")
def test_data_file_is_the_shared_reference_transcription():
    assert _rows(DATA_FILE) == _rows(SHARED_FILE)
