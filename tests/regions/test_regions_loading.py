"""Loading the reference tables: divisions, county seats, and how a rerun behaves."""

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from chainvest.regions.loaders import ReferenceDataError, load_reference
from chainvest.regions.models import IndustryCode, Park, Region, RegionLevel

CHANGJI_COUNTIES = {
    "652301": "昌吉市",
    "652302": "阜康市",
    "652323": "呼图壁县",
    "652324": "玛纳斯县",
    "652325": "奇台县",
    "652327": "吉木萨尔县",
    "652328": "木垒哈萨克自治县",
}


def _data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    for sub in ("regions", "industries"):
        shutil.copytree(Path(settings.DATA_DIR) / sub, target / sub)
    return target


def _csv_rows(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) - 1


@pytest.fixture
def reference(db) -> dict[str, int]:
    return load_reference()


def test_first_load_creates_every_row_of_the_files(reference):
    data = Path(settings.DATA_DIR)
    assert reference == {
        "regions": _csv_rows(data / "regions" / "gbt2260.csv"),
        "parks": 6,
        "industries": 1971,
        "updated": 0,
    }
    assert Region.objects.count() == reference["regions"]


def test_china_has_31_provinces_and_333_prefecture_level_units(reference):
    assert Region.objects.filter(level=RegionLevel.PROVINCE, parent=None).count() == 31
    assert Region.objects.filter(level=RegionLevel.CITY).count() == 333


def test_changji_has_exactly_its_seven_counties(reference):
    counties = Region.objects.counties_of("652300")
    assert {r.code: r.name for r in counties} == CHANGJI_COUNTIES
    assert Region.objects.get(code="652300").parent.code == "650000"


def test_wujiaqu_is_a_corps_city_under_xinjiang_not_under_changji(reference):
    wujiaqu = Region.objects.get(code="659004")
    assert wujiaqu.name == "五家渠市"
    assert wujiaqu.parent.code == "650000"
    assert not wujiaqu.is_within(Region.objects.get(code="652300"))


def test_statistical_development_zones_are_not_loaded(reference):
    assert not Region.objects.filter(code="130171").exists()
    assert not any(code[4] == "7" for code in Region.objects.values_list("code", flat=True))


def test_placeholder_cities_are_skipped_and_their_counties_hang_under_the_province(reference):
    assert not Region.objects.filter(code__in=["110100", "500200", "429000", "659000"]).exists()
    assert Region.objects.get(code="110105").parent.code == "110000"
    assert Region.objects.get(code="500229").parent.code == "500000"
    assert Region.objects.get(code="429004").parent.code == "420000"


def test_cities_without_counties_are_cities_only(reference):
    dongguan = Region.objects.get(code="441900")
    assert dongguan.level == RegionLevel.CITY
    assert not dongguan.children.exists()
    assert not Region.objects.filter(code="620201").exists()


def test_mulei_and_changji_have_their_short_names(reference):
    assert Region.objects.get(code="652328").display_name == "木垒县"
    assert Region.objects.get(code="652300").display_name == "昌吉州"
    assert Region.objects.get(code="650000").display_name == "新疆"
    assert Region.objects.get(code="652325").display_name == "奇台县"


def test_changji_county_seats_have_coordinates(reference):
    seats = Region.objects.filter(code__in=CHANGJI_COUNTIES)
    assert all(r.latitude and r.longitude for r in seats)
    qitai = Region.objects.get(code="652325")
    assert (qitai.latitude, qitai.longitude) == (44.02, 89.59)


def test_second_run_creates_and_changes_nothing(reference):
    assert load_reference() == {"regions": 0, "parks": 0, "industries": 0, "updated": 0}
    assert Region.objects.count() == reference["regions"]
    assert IndustryCode.objects.count() == 1971
    assert Park.objects.count() == 6


def test_rerun_after_a_file_change_updates_names_in_place(reference, tmp_path):
    data = _data_copy(tmp_path)
    path = data / "regions" / "gbt2260.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",奇台县,", ",奇台县（改）,"), "utf-8")
    before = Region.objects.get(code="652325").pk

    counts = load_reference(data)

    assert counts == {"regions": 0, "parks": 0, "industries": 0, "updated": 1}
    qitai = Region.objects.get(code="652325")
    assert (qitai.pk, qitai.name) == (before, "奇台县（改）")


def test_loading_after_the_shared_changji_fixture_reuses_its_rows(changji):
    mulei_id = changji["mulei"].pk
    counts = load_reference()
    assert counts["regions"] == Region.objects.count() - 5
    mulei = Region.objects.get(code="652328")
    assert (mulei.pk, mulei.short_name, mulei.latitude) == (mulei_id, "木垒县", 43.82)


def test_full_load_is_a_bulk_load_not_a_query_per_row(db, django_assert_max_num_queries):
    # Speed itself is measured in bench/bench_reference_load.py, never asserted here: what a
    # test can hold is that ~3,500 divisions and ~1,700 classes go in a bounded number of queries.
    with django_assert_max_num_queries(200):
        load_reference()
    assert Region.objects.count() > 3000


def test_bad_parent_is_reported_with_file_and_line_and_nothing_is_loaded(db, tmp_path):
    data = _data_copy(tmp_path)
    path = data / "regions" / "gbt2260.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0] + ",990000"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(ReferenceDataError, match=r"gbt2260.csv 第 3 行：parent「990000」"):
        load_reference(data)
    assert not Region.objects.exists()


def test_bad_park_region_names_the_field(db, tmp_path):
    data = _data_copy(tmp_path)
    path = data / "regions" / "parks.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",652302,", ",652399,"), "utf-8")
    with pytest.raises(ReferenceDataError, match=r"parks.csv 第 \d 行：region「652399」"):
        load_reference(data)


def test_missing_file_is_named(db, tmp_path):
    data = _data_copy(tmp_path)
    (data / "industries" / "gbt4754-2017.csv").unlink()
    with pytest.raises(ReferenceDataError, match="缺少参考数据文件"):
        load_reference(data)


def test_command_prints_the_counts_in_chinese(db):
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "新增行政区划" in out.getvalue()
    assert "行业分类 1971 条" in out.getvalue()
