"""News extraction: the seed page (three articles on one signing) and the rules behind it."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chainvest.engine.news import extract, find_companies, load_gazetteer, split_sentences

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "000_b27b06e6fa13e9ad.txt"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer(ROOT / "data")


@pytest.fixture(scope="module")
def seed(gaz):
    if not SEED.exists():
        pytest.skip("seed page not present")
    return extract(SEED.read_text(encoding="utf-8"), gaz)


def test_seed_page_gives_one_event_with_its_figures(seed):
    assert len(seed.events) == 1
    ev = seed.events[0]
    assert ev.date == date(2023, 8, 18)
    assert ev.place == "新疆国际会展中心"
    assert ev.signed_count == 17
    assert (ev.investment.min_wan, ev.investment.max_wan) == (Decimal(10_260_000),) * 2
    assert ev.organiser == "昌吉回族自治州"
    assert "签约仪式" in ev.name


def test_seed_page_names_the_investors(seed):
    companies = {p.company for p in seed.events[0].projects}
    assert {"中车山东风电有限公司", "武汉禾元生物科技股份有限公司", "江西联晟电子股份有限公司"} <= (
        companies
    )


def test_seed_projects_keep_bound_location_and_park(seed):
    by = {p.company: p for p in seed.events[0].projects}
    crrc = by["中车山东风电有限公司"]
    assert crrc.amount.min_wan == Decimal(1_000_000) and crrc.amount.max_wan is None
    assert crrc.location == "奇台县"
    hy = by["武汉禾元生物科技股份有限公司"]
    assert hy.amount.min_wan == hy.amount.max_wan == Decimal(50_000)
    assert hy.location == "新疆昌吉国家农业高新技术产业示范区"
    assert hy.industry == "生物医药"


def test_seed_cumulative_figures_are_kept_apart(seed):
    assert len(seed.cumulative) == 1
    cum = seed.cumulative[0]
    assert (cum.events, cum.count) == (4, 59)
    assert cum.investment.min_wan == Decimal(11_100_000) and cum.investment.max_wan is None
    assert "累计签约项目59个" in cum.evidence


def test_every_seed_value_cites_a_sentence_of_the_page(seed):
    page = SEED.read_text(encoding="utf-8").replace("\n", "")
    ev = seed.events[0]
    assert ev.evidence and all(s in page for s in ev.evidence)
    assert all(p.evidence and all(s in page for s in p.evidence) for p in ev.projects)
    assert any("1026亿元" in s for s in ev.evidence)


def test_traditional_script_reads_like_simplified(gaz):
    text = "2月28日，龍南市舉行重大項目集中簽約儀式，現場簽約9個項目，總金額達165.12億元。"
    ev = extract(text, gaz, date(2023, 3, 1)).events
    assert [(e.signed_count, e.investment.min_wan) for e in ev] == [(9, Decimal(1_651_200))]
    assert ev[0].date == date(2023, 2, 28)
    assert ev[0].organiser == "龙南市"


def test_wan_amounts_are_converted(gaz):
    text = "5月8日，某县举行招商引资集中签约仪式，共签约项目6个，总投资8500万元。"
    ev = extract(text, gaz).events[0]
    assert ev.investment.min_wan == Decimal(8500)


def test_month_and_day_resolve_against_the_document_date(gaz):
    text = "12月28日，宜昌市举行重点项目集中签约仪式，签约项目27个，总投资93.57亿元。"
    ev = extract(text, gaz, date(2019, 1, 3)).events[0]
    assert ev.date == date(2018, 12, 28)


def test_two_events_with_different_figures_stay_two(gaz):
    text = (
        "2021中外知名企业四川行活动签约陕西隆庆精密制造生产基地等14个项目,总投资43.2亿元。"
        "第十八届中国西部国际博览会签约北京中信旅游天曌山全民乐享康养休闲度假区等8个项目,"
        "总投资69.83亿元。"
    )
    figures = [(e.signed_count, e.investment.min_wan) for e in extract(text, gaz).events]
    assert figures == [(14, Decimal(432_000)), (8, Decimal(698_300))]


def test_a_promotion_without_signings_gives_no_signing(gaz):
    text = "9月5日，某州在上海举行招商引资推介会，介绍了投资环境和产业政策，百余家企业参加。"
    assert extract(text, gaz).events == []


def test_subset_signed_on_stage_does_not_replace_the_event(gaz):
    text = "此次共签约项目17个，总投资1026亿元。其中，甲项目、乙项目等7个项目在仪式上集中签约。"
    ev = extract(text, gaz).events
    assert [(e.signed_count) for e in ev] == [17]


def test_revenue_is_not_taken_for_investment(gaz):
    text = "签约项目3个。项目建成后可实现年收入6到7亿元。"
    ev = extract(text, gaz).events[0]
    assert ev.signed_count == 3 and ev.investment is None


def test_company_names_are_trimmed_to_the_name():
    found = [
        n for _, n in find_companies("作为签约企业之一的中车山东风电有限公司总经理说，该公司将")
    ]
    assert found == ["中车山东风电有限公司"]


def test_lines_broken_mid_sentence_are_joined():
    sentences = split_sentences("打造了现代煤化工、硅\n\n基新材料等项目。\n标题行\n")
    assert [s.text for s in sentences] == ["打造了现代煤化工、硅基新材料等项目。", "标题行"]


def test_stray_pinyin_is_ignored(gaz):
    text = "現(xiàn)場簽約9個項目，總金額達165.12億元。"
    assert extract(text, gaz).events[0].signed_count == 9


def test_a_ceremony_before_the_fair_total_is_a_share_of_it(gaz):
    text = (
        "9月2日,第十届博览会举行投资项目签约仪式,100个项目进行了现场签约,引资总额1080亿元。"
        "本届博览会共促成合同项目325个,引资总额2201亿元。"
    )
    assert [(e.signed_count) for e in extract(text, gaz).events] == [325]


def test_events_on_different_days_stay_apart(gaz):
    text = (
        "9月7日,遂平县在市重点项目签约仪式上8个项目签约,总投资53.1亿元。"
        "这是该县继9月5日在县项目签约仪式上成功签约30个项目总投资81.9亿元后的又一硕果。"
    )
    assert sorted(e.signed_count for e in extract(text, gaz).events) == [8, 30]


def test_planned_signings_are_not_signings(gaz):
    text = "我市有18个洽谈项目将在本次大会上签约,涉及签约资金为1.6亿美元。"
    assert extract(text, gaz).events == []


def test_period_statistics_are_cumulative_not_events(gaz):
    text = "2024年,全省招商引资签约项目3132个,签约金额达1.49万亿元。"
    result = extract(text, gaz)
    assert result.events == []
    assert result.cumulative[0].investment.min_wan == 149_000_000


def test_taiwan_usage_and_foreign_currency(gaz):
    text = "11月2日,開州區舉行簽約儀式,39個專案集中籤約,投資金額2.75億美元。"
    [ev] = extract(text, gaz).events
    assert ev.signed_count == 39 and ev.investment.currency == "USD"


def _figures(text, gaz):
    return [
        (
            e.signed_count,
            e.investment and e.investment.min_wan,
            e.investment and e.investment.currency,
        )
        for e in extract(text, gaz).events
    ]


def test_a_report_from_one_region_takes_its_own_signing_not_the_provinces(gaz):
    text = (
        "昨天,全省重点项目签约仪式在杭州举行,我县有6个项目顺利签约,协议总金额达12.5亿元。"
        "在签约仪式上,全省共有96个项目进行了签约,协议总金额为420亿元。"
        "据悉,在昨天签约的96个项目中,我县的签约项目有6个。"
    )
    assert _figures(text, gaz) == [(6, Decimal(125_000), "CNY")]


def test_a_named_region_within_a_wider_ceremony_is_the_event(gaz):
    text = (
        "会上,西部与国内外客商共签约了合作项目210项,签约总投资额3100亿元。"
        "宁夏共有7个项目签约,项目总投资达88.2亿元。"
    )
    assert _figures(text, gaz) == [(7, Decimal(882_000), "CNY")]


def test_the_previous_editions_figures_are_not_this_event(gaz):
    text = (
        "本次签约仪式现场集中签约重大项目30个,总投资900亿元。"
        "这次签约项目平均投资达30亿元(上届签约项目42个,总投资800亿元,平均投资19亿元)。"
    )
    assert _figures(text, gaz) == [(30, Decimal(9_000_000), "CNY")]


def test_gongji_before_the_count_is_read(gaz):
    text = "在大会开幕式前夕,全省共达成合同签约项目共计75个、总投资1300亿元。"
    assert _figures(text, gaz) == [(75, Decimal(13_000_000), "CNY")]


def test_projects_settling_in_at_a_signing_ceremony_are_its_signings(gaz):
    text = (
        "第九届投资贸易洽谈会重大项目签约仪式昨日举行,"
        "共有21个重大项目落户我省,项目总投资达6.4亿美元。"
    )
    assert _figures(text, gaz) == [(21, Decimal(64_000), "USD")]


def test_a_size_bracket_does_not_take_the_total_from_the_signing(gaz):
    text = (
        "继高新区集中签约12个项目,总投资80亿元后,3月2日,新区举行项目集中签约仪式,"
        "现场签约项目15个,其中投资10亿元以上项目4个,总投资166.3亿元。"
    )
    assert sorted(_figures(text, gaz)) == [
        (12, Decimal(800_000), "CNY"),
        (15, Decimal(1_663_000), "CNY"),
    ]


def test_a_total_dated_to_its_own_day_is_a_signing_beside_the_counted_one(gaz):
    text = (
        "5月12日下午,在州重点项目签约仪式上,见证了该县与三家公司签约仪式,签约额总计35.6亿元。"
        "展会期间,该县代表团积极与企业对接洽谈,展会现场促成签约项目3个。"
    )
    assert sorted(_figures(text, gaz), key=str) == [
        (3, None, None),
        (None, Decimal(356_000), "CNY"),
    ]
