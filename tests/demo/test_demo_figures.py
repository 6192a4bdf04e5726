"""The demo reproduces the published 2023 figures of the “链”上昌吉 campaign from its records."""

from decimal import Decimal

from chainvest.engine.text import format_yi
from chainvest.events.models import Event
from chainvest.reports.queries import event_figures, summary

EVENT4_NAME = "“链”上昌吉 融入“丝路”昌吉州招商引资推介会暨项目签约仪式"
EVENT4_INDUSTRIES = [
    "装备制造",
    "生物医药",
    "新材料",
    "新能源",
    "光伏组件",
    "农副产品精深加工",
    "大型城市商业综合体",
    "文化旅游",
]


def test_year_summary_matches_the_published_totals(demo):
    figures = summary(2023)
    assert figures["events"] == 4
    assert figures["signed_count"] == 59
    assert figures["investment"].min_wan > 11_100_000
    assert figures["investment"].is_exact
    assert figures["started_count"] == 14


def test_engagements_reach_over_100_enterprises_on_11_chains_in_7_clusters(demo):
    figures = summary(2023)
    assert figures["engaged_enterprises"] > 100
    assert figures["engaged_chains"] == 11
    assert figures["engaged_clusters"] == 7


def test_fourth_event_keeps_its_published_facts(demo):
    event = Event.objects.get(name=EVENT4_NAME)
    assert event.date.isoformat() == "2023-08-18"
    assert event.place == "新疆国际会展中心"
    assert event.occasion == "2023(中国)亚欧商品贸易博览会"
    assert event.organiser.code == "652300"
    assert event.sequence == 4
    assert not event.is_demo


def test_fourth_event_signed_17_projects_worth_exactly_1026_yi(demo):
    figures = event_figures(Event.objects.get(name=EVENT4_NAME))
    assert figures.signed_count == 17
    assert figures.investment.min_wan == figures.investment.max_wan == Decimal(10_260_000)
    assert format_yi(figures.investment.min_wan) == "1,026"
    assert figures.summary_line.startswith("签约项目17个，总投资1,026亿元")


def test_fourth_event_industries_are_listed_in_the_published_order(demo):
    figures = event_figures(Event.objects.get(name=EVENT4_NAME))
    assert figures.industries == EVENT4_INDUSTRIES


def test_first_three_events_are_illustrative_and_precede_august(demo):
    earlier = Event.objects.filter(date__year=2023).exclude(name=EVENT4_NAME)
    assert earlier.count() == 3
    assert all(e.is_demo and e.date.month < 8 and e.theme for e in earlier)
    assert sorted(e.sequence for e in earlier) == [1, 2, 3]
