"""The six Changji parks, where they sit, and how divisions nest."""

import pytest

from chainvest.regions.loaders import load_reference
from chainvest.regions.models import Park, ParkLevel, Region

PARKS = {
    "zhundong": ("新疆准东经济技术开发区", "准东开发区", "652300", ParkLevel.NATIONAL),
    "changji-hitech": ("昌吉国家高新技术产业开发区", "昌吉高新区", "652301", ParkLevel.NATIONAL),
    "changji-agri": (
        "新疆昌吉国家农业高新技术产业示范区",
        "昌吉农高区",
        "652301",
        ParkLevel.NATIONAL,
    ),
    "fukang-park": ("阜康产业园", "阜康产业园", "652302", ParkLevel.REGIONAL),
    "mulei-energy": ("木垒新能源高端装备制造产业园", "木垒新能源装备园", "652328", ParkLevel.OTHER),
    "qitai-lamahu": ("奇台喇嘛湖梁工业园", "喇嘛湖梁工业园", "652325", ParkLevel.OTHER),
}


@pytest.fixture
def regions(db) -> dict[str, Region]:
    load_reference()
    return {r.code: r for r in Region.objects.filter(code__startswith="65")}


def test_the_six_parks_match_the_shared_vocabulary(regions):
    parks = {
        p.code: (p.name, p.short_name, p.region.code, p.level)
        for p in Park.objects.select_related("region")
    }
    assert parks == PARKS


def test_every_park_lies_within_changji_prefecture(regions):
    for park in Park.objects.select_related("region"):
        assert park.region.is_within(regions["652300"]), park.code


def test_zhundong_is_placed_north_east_of_qitai_and_marked_approximate(regions):
    zhundong = Park.objects.get(code="zhundong")
    qitai = regions["652325"]
    assert zhundong.latitude - qitai.latitude > 0.5
    assert "近似" in zhundong.note
    assert "五彩湾" in zhundong.note and "将军庙" in zhundong.note


def test_agricultural_park_keeps_its_former_name_in_the_note(regions):
    assert "昌吉国家农业科技园区" in Park.objects.get(code="changji-agri").note


def test_county_is_within_its_prefecture_and_province(regions):
    qitai = regions["652325"]
    assert qitai.is_within(regions["652300"])
    assert qitai.is_within(regions["650000"])
    assert qitai.is_within(qitai)


def test_prefecture_is_not_within_its_own_county(regions):
    assert not regions["652300"].is_within(regions["652325"])


def test_county_is_not_within_a_neighbouring_prefecture(regions):
    assert not regions["652325"].is_within(regions["650100"])
    assert not regions["659004"].is_within(regions["652300"])


def test_prefecture_ending_in_zero_does_not_contain_its_neighbour(regions):
    assert not regions["654301"].is_within(regions["654000"])


def test_county_ending_in_zero_does_not_contain_its_neighbour(db):
    load_reference()
    luancheng = Region.objects.get(code="130111")
    assert not luancheng.is_within(Region.objects.get(code="130110"))
