"""Dashboard, events and chains: every figure on the page comes from the records."""

import json
import re

import pytest
from django.urls import reverse

from chainvest.regions.models import IndustryCode
from tests.web import factories as f
from tests.web.factories import D


@pytest.fixture
def campaign(cast, changji):
    """Two events and three signed projects of 2023, one started; two engaged enterprises."""
    wind = f.chain()
    pharma = f.chain("biomedicine", "生物医药")
    spring = f.event(
        "2023年第一场招商推介会", D(2023, 3, 10), place="昌吉市", occasion="亚欧博览会"
    )
    summer = f.event("2023年第二场招商推介会", D(2023, 6, 20), place="奇台县")
    qitai, mulei = cast["qitai"], cast["mulei"]
    f.project(
        qitai,
        changji["qitai"],
        "风机总装项目",
        agreed="10亿元",
        signed=D(2023, 3, 10),
        started=D(2023, 5, 1),
        event_id=spring.id,
        chain_id=wind.id,
        industry="装备制造",
    )
    f.project(
        mulei,
        changji["mulei"],
        "原料药项目",
        agreed="超过5亿元",
        signed=D(2023, 3, 10),
        event_id=spring.id,
        chain_id=pharma.id,
        industry="生物医药",
    )
    f.project(
        qitai,
        changji["qitai"],
        "叶片项目",
        agreed="2.5亿元",
        signed=D(2023, 6, 20),
        event_id=summer.id,
        chain_id=wind.id,
        industry="装备制造",
    )
    f.project(qitai, changji["qitai"], "仍在洽谈的项目", agreed="50亿元")
    f.engagement("某风电集团", wind, D(2023, 2, 1))
    f.engagement("某叶片公司", wind, D(2023, 2, 2))
    return {"wind": wind, "pharma": pharma, "spring": spring, "summer": summer}


def kpi(html: str, name: str) -> list[str] | None:
    match = re.search(rf'data-kpi="{name}">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).split() if match else None


def json_block(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


def test_dashboard_figures_are_computed_from_the_records(client, campaign):
    html = f.signed_in(client, "t_leader").get(reverse("web:dashboard")).content.decode()
    assert "2023年产业链招商驾驶舱" in html  # the latest year with events is the default
    assert kpi(html, "events") == ["2场"]
    assert kpi(html, "signed") == ["3个"]
    assert kpi(html, "investment") == ["超过17.5亿元"]
    assert kpi(html, "started") == ["1个"]
    assert kpi(html, "reach") == ["2家企业", "1条产业链", "1个产业集群"]


def test_dashboard_chart_data_comes_from_the_signings(client, campaign):
    html = f.signed_in(client, "t_leader").get(reverse("web:dashboard")).content.decode()
    data = json_block(html, "dashboard-data")
    units = {row["label"]: (row["count"], row["investment_yi"]) for row in data["units"]}
    assert units == {"奇台县": (2, 12.5), "木垒哈萨克自治县": (1, 5.0)}
    chains = {row["label"]: row["count"] for row in data["chains"]}
    assert chains == {"风电装备": 2, "生物医药": 1}
    assert [(m["month"], m["count"]) for m in data["months"]] == [("2023-03", 2), ("2023-06", 1)]
    assert 'data-chart="units-bar"' in html and 'src="/static/web/charts.js"' in html
    assert 'src="/static/vendor/echarts.min.js"' in html


def test_dashboard_year_selector_shows_another_year(client, campaign):
    html = f.signed_in(client, "t_leader").get(reverse("web:dashboard") + "?year=2022")
    html = html.content.decode()
    assert kpi(html, "events") == ["0场"] and kpi(html, "signed") == ["0个"]
    assert '<option value="2023">2023年</option>' in html
    assert '<option value="2022" selected>2022年</option>' in html


def test_event_list_shows_each_event_with_its_figures(client, campaign):
    html = f.signed_in(client, "t_leader").get(reverse("web:events")).content.decode()
    assert "2023年第一场招商推介会" in html and "2023年第二场招商推介会" in html
    assert "超过15亿元" in html and "2.5亿元" in html
    assert "亚欧博览会" in html and "2023-03-10" in html
    assert "共 2 条" in html


def test_event_page_summary_line_is_built_from_the_records(client, campaign):
    url = reverse("web:event", args=[campaign["spring"].pk])
    html = f.signed_in(client, "t_leader").get(url).content.decode()
    assert "签约项目2个，总投资超过15亿元，涉及装备制造、生物医药等领域" in html
    assert "风机总装项目" in html and "原料药项目" in html and "叶片项目" not in html
    assert "亚欧博览会" in html and "昌吉市" in html


def test_unknown_event_is_404(client, campaign):
    response = f.signed_in(client, "t_leader").get(reverse("web:event", args=[999999]))
    assert response.status_code == 404


def test_chains_are_grouped_by_cluster_with_counts(client, campaign):
    wind = campaign["wind"]
    f.link(wind, "blade", "叶片", "midstream")
    f.link(wind, "tower", "塔筒", "midstream")
    html = f.signed_in(client, "t_leader").get(reverse("web:chains")).content.decode()
    assert "new-energy集群" in html
    row = re.search(r'href="/chains/wind-power/">风电装备</a>.*?</tr>', html, re.S).group(0)
    links = re.search(r'data-col="links">(\d+)<', row).group(1)
    projects = re.search(r'data-col="projects">(\d+)<', row).group(1)
    assert (links, projects) == ("2", "2")


def test_chain_page_shows_the_link_tree_graph_and_projects(client, campaign):
    wind = campaign["wind"]
    resin = f.link(wind, "resin", "树脂材料", "upstream")
    blade = f.link(wind, "blade", "叶片", "midstream")
    f.link(wind, "blade-mould", "叶片模具", "midstream", parent=blade)
    farm = f.link(wind, "farm", "风电场运营", "downstream")
    resin.keywords = ["环氧树脂", "玻璃纤维"]
    resin.save()
    resin.industry_codes.add(
        IndustryCode.objects.create(code="2651", name="初级形态塑料及合成树脂制造", level=4)
    )
    resin.feeds.add(blade)
    blade.feeds.add(farm)
    html = f.signed_in(client, "t_leader").get(reverse("web:chain", args=["wind-power"]))
    html = html.content.decode()
    for stage in ["上游", "中游", "下游"]:
        assert f">{stage}</span>" in html
    assert "环氧树脂、玻璃纤维" in html and "2651 初级形态塑料及合成树脂制造" in html
    assert html.index("叶片</strong>") < html.index("叶片模具</strong>")
    graph = json_block(html, "chain-graph-data")
    names = {node["id"]: node["name"] for node in graph["nodes"]}
    edges = {(names[e["source"]], names[e["target"]], e["kind"]) for e in graph["edges"]}
    assert edges == {
        ("树脂材料", "叶片", "flow"),
        ("叶片", "风电场运营", "flow"),
        ("叶片", "叶片模具", "tree"),
    }
    assert "风机总装项目" in html and "叶片项目" in html and "原料药项目" not in html
