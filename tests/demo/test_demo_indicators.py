"""The demo's economic indicators and map: published figures with their source, the rest 示例."""

from decimal import Decimal

from django.urls import reverse

from chainvest.demo.loader import load_demo
from chainvest.indicators.models import EconomicIndicator
from tests.web import factories as f


def _figure(period_kind: str, number: int, indicator: str) -> EconomicIndicator:
    return EconomicIndicator.objects.get(
        region__code="652300", year=2023, period_kind=period_kind, period_number=number,
        indicator=indicator,
    )  # fmt: skip


def test_published_figures_carry_their_source_and_are_not_demo(demo):
    half = _figure("quarter", 2, "gdp")
    assert half.value == Decimal("1013.27") and not half.is_demo and "2023年8月" in half.source
    assert _figure("quarter", 2, "fai_growth").value == Decimal("30.6")
    assert _figure("year", 0, "gdp").value == Decimal("2329.52")
    illustrative = EconomicIndicator.objects.filter(is_demo=True)
    assert illustrative.exists() and all("示例" in r.source for r in illustrative)


def test_reloading_the_demo_adds_no_indicator_twice(demo):
    count = EconomicIndicator.objects.count()
    assert load_demo()["created"]["indicators"] == 0
    assert EconomicIndicator.objects.count() == count


def test_demo_dashboard_shows_the_panel_and_a_point_for_every_county_and_park(client, demo, cast):
    html = f.signed_in(client, "t_leader").get(reverse("web:dashboard") + "?year=2023")
    html = html.content.decode()
    assert "1013.27亿元" in html and 'class="tag tag-demo">示例' in html
    for name in ["奇台县", "木垒县", "吉木萨尔县", "准东开发区", "昌吉高新区"]:
        assert f'data-place="{name}"' in html
    assert html.count("data-place=") == 7 + 6
