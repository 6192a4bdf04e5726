"""The figures page, its drill-downs and the 统计口径 settings page."""

import pytest
from django.urls import reverse

from chainvest.reports.models import CountingRule
from tests.web import factories as f
from tests.web.factories import D


@pytest.fixture
def world(cast, changji):
    fair = f.event("第四场推介会", D(2023, 8, 18))
    started = f.project(
        cast["qitai"], changji["qitai"], "奇台风机项目", agreed="10亿元",
        signed=D(2023, 8, 18), started=D(2023, 9, 1), event_id=fair.id, industry="装备制造",
    )  # fmt: skip
    idle = f.project(
        cast["mulei"], changji["mulei"], "木垒光伏项目", agreed="5亿元",
        signed=D(2023, 8, 18), event_id=fair.id, industry="房地产",
    )  # fmt: skip
    return {"event": fair, "started": started, "idle": idle}


def test_overview_shows_each_figure_with_its_definition(client, world):
    page = f.signed_in(client, "t_leader").get(reverse("web:kpis")).content.decode()
    assert 'data-figure="signed">2个' in page
    assert 'data-figure="start">50.0%' in page
    assert "开工率 = 已开工建设的签约项目数 ÷ 签约项目数" in page
    assert "同一项目只在首次签约时计入一次" in page
    assert reverse("web:kpi_drill", args=["start"]) in page


def test_overview_filters_by_county_and_as_of_date(client, world, changji):
    reader = f.signed_in(client, "t_leader")
    url = reverse("web:kpis")
    page = reader.get(f"{url}?county={changji['mulei'].pk}").content.decode()
    assert 'data-figure="signed">1个' in page and 'data-figure="start">0.0%' in page
    page = reader.get(f"{url}?as_of=2023-08-31").content.decode()
    assert 'data-figure="start">0.0%' in page  # the start on 09-01 is after the date


def test_drill_down_lists_the_rows_behind_the_figure(client, world):
    page = f.signed_in(client, "t_leader").get(reverse("web:kpi_drill", args=["start"]))
    html = page.content.decode()
    assert "奇台风机项目" in html and "开工 2023-09-01" in html
    assert "木垒光伏项目" in html and "未开工" in html
    assert "共 2 条" in html


def test_unknown_figure_is_404(client, world):
    response = f.signed_in(client, "t_leader").get(reverse("web:kpi_drill", args=["luck"]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["web:kpis", "web:counting_rule"])
def test_outsider_is_sent_to_login(client, world, name):
    assert client.get(reverse(name)).status_code == 302


def test_analyst_changes_the_rule_and_the_figures_follow(client, world):
    analyst = f.signed_in(client, "t_analyst")
    response = analyst.post(
        reverse("web:counting_rule"),
        {
            "name": "本州口径",
            "signing_basis": "protocol",
            "fulfilment_basis": "construction",
            "landing_basis": "registered",
            "funds_base": "agreed",
            "investor_scope": "all",
            "excluded_industries": "房地产",
            "min_investment_yi": "",
        },
    )
    assert response.status_code == 302
    rule = CountingRule.objects.get()
    assert rule.excluded_industries == ["房地产"] and rule.updated_by.username == "t_analyst"
    page = analyst.get(reverse("web:kpis")).content.decode()
    assert 'data-figure="signed">1个' in page and "不含房地产" in page


def test_leader_sees_the_rule_read_only_and_cannot_post(client, world):
    leader = f.signed_in(client, "t_leader")
    page = leader.get(reverse("web:counting_rule")).content.decode()
    assert "当前账号只能查看" in page and "disabled" in page and "确 定" not in page
    response = leader.post(reverse("web:counting_rule"), {"investor_scope": "overseas"})
    assert response.status_code == 403
    assert not CountingRule.objects.exists()


def test_officer_cannot_change_the_rule(client, world):
    response = f.signed_in(client, "t_qitai").post(
        reverse("web:counting_rule"), {"investor_scope": "overseas"}
    )
    assert response.status_code == 403
    assert not CountingRule.objects.exists()


def test_bad_rule_input_is_shown_on_the_field(client, world):
    response = f.signed_in(client, "t_analyst").post(
        reverse("web:counting_rule"), {"name": "", "signing_basis": "maybe"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "口径名称不能为空" in html
    assert not CountingRule.objects.exists()


def test_dashboard_shows_rates_funnel_and_county_ranking(client, world):
    """Two 2023 signings: 奇台 10亿 started, 木垒 5亿 not; 开工率 50%; funnel 2 → 1 → 1 → 0."""
    import json
    import re

    html = f.signed_in(client, "t_leader").get(reverse("web:dashboard") + "?year=2023")
    html = html.content.decode()
    assert re.search(r'data-kpi="start"><a href="[^"]+">50.0%</a>', html)
    data = json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert [r["count"] for r in data["funnel"]] == [2, 1, 1, 0]
    ranking = html[html.index('data-testid="county-ranking"') :]
    assert ranking.index("奇台县") < ranking.index("木垒哈萨克自治县")
    assert "10亿元" in ranking and "100.0%" in ranking


def test_dashboard_charts_follow_the_counting_rule(client, world, cast):
    from chainvest.reports.services import update_counting_rule

    update_counting_rule(cast["analyst"], {"excluded_industries": ["房地产"]})
    html = f.signed_in(client, "t_leader").get(reverse("web:dashboard") + "?year=2023")
    html = html.content.decode()
    assert 'data-kpi="signed">1<small>' in html
    ranking = html[html.index('data-testid="county-ranking"') :]
    assert "木垒哈萨克自治县" not in ranking.split("</table>")[0]


def test_dashboard_counts_the_signed_projects_once_for_all_its_figures(client, world):
    """Headline, charts, funnel and ranking share one counting (it reads every signing)."""
    from unittest import mock

    from chainvest.reports import kpis

    with mock.patch.object(kpis, "signing_rows", wraps=kpis.signing_rows) as reads:
        html = f.signed_in(client, "t_leader").get(reverse("web:dashboard") + "?year=2023")
    assert html.status_code == 200 and 'data-kpi="signed">2<small>' in html.content.decode()
    assert reads.call_count == 1
