"""Dashboard: the economic-indicators panel, the schematic map of counties and parks, the
period report links; the indicator page's entry and import. Every figure from the records."""

import io
import json
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from docx import Document

from chainvest.indicators.models import EconomicIndicator
from chainvest.indicators.services import record_indicator
from chainvest.projects.models import Project
from chainvest.projects.services import create_project, transition_project
from chainvest.regions.models import Park
from chainvest.reports.alerts import LEVELS, alert_for
from chainvest.reports.kpis import Scope, kpi_figures
from tests.web import factories as f
from tests.web.factories import D

ROLES = ["admin", "analyst", "leader", "qitai"]


def _gdp(**changes) -> dict:
    values = {"地区": "652300", "期间": "2023-Q2", "指标": "地区生产总值", "数值": "1013.27",
              "来源": "昌吉州地方报纸2023年8月"}  # fmt: skip
    return {**values, **changes}


@pytest.fixture
def board(cast, changji):
    """Two 2023 signings in 奇台 (one in a park) and one in 木垒; three indicator figures."""
    for key, (lat, lon) in {"qitai": (44.02, 89.59), "mulei": (43.82, 90.28),
                            "changji": (44.01, 87.30)}.items():  # fmt: skip
        changji[key].latitude, changji[key].longitude = lat, lon
        changji[key].save()
    park = Park.objects.create(
        code="qitai-lamahu", name="奇台喇嘛湖梁工业园", short_name="喇嘛湖梁工业园",
        level="other", region=changji["qitai"], latitude=44.02, longitude=89.59,
    )  # fmt: skip
    event = f.event("2023年第一场招商推介会", D(2023, 3, 10))
    f.project(cast["qitai"], changji["qitai"], "风机项目", agreed="10亿元", signed=D(2023, 3, 10),
              started=D(2023, 5, 1), event_id=event.id)  # fmt: skip
    f.project(cast["mulei"], changji["mulei"], "光伏项目", agreed="5亿元", signed=D(2023, 3, 10))
    item = create_project(
        cast["admin"],
        {
            "name": "园区项目",
            "county_id": changji["qitai"].id,
            "park_id": park.id,
            "agreed": "2亿元",
        },
        lead_date=D(2023, 5, 1),
    )
    transition_project(
        cast["admin"], item, "signed", {"negotiating": D(2023, 6, 1), "signed": D(2023, 6, 1)}
    )  # noqa: E501
    record_indicator(cast["analyst"], _gdp())
    record_indicator(
        cast["analyst"], _gdp(期间="2023-Q1", 数值="430", 来源="示例数据"), is_demo=True
    )
    record_indicator(cast["analyst"], _gdp(期间="2023-Q2", 指标="固定资产投资增速", 数值="30.6"))
    return {"park": park}


def _html(client, who: str, url: str = "") -> str:
    response = f.signed_in(client, f"t_{who}").get(url or reverse("web:dashboard") + "?year=2023")
    assert response.status_code == 200
    return response.content.decode()


def _data(html: str) -> dict:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


@pytest.mark.parametrize("who", ROLES)
def test_indicator_panel_shows_the_recorded_figures_with_their_source(client, board, who):
    html = _html(client, who)
    assert 'data-testid="indicator-panel"' in html and 'data-chart="indicator-bars"' in html
    for row in EconomicIndicator.objects.all():
        cell = re.search(rf'data-indicator="{row.indicator}:{row.period.code}">(.*?)</td>', html)
        assert cell.group(1).startswith(row.display)
        assert ("示例" in cell.group(1)) == row.is_demo
        assert row.source in html
    chart = _data(html)["indicators"]
    assert chart["periods"] == ["2023年1季度", "2023年1—2季度"]
    series = {s["code"]: s for s in chart["series"]}
    assert series["gdp"]["values"] == [430.0, 1013.27] and series["gdp"]["demo"] == [True, False]
    assert series["fai_growth"]["values"] == [None, 30.6] and series["fai_growth"]["unit"] == "%"


def test_indicator_panel_is_empty_for_a_year_without_figures(client, board):
    html = _html(client, "leader", reverse("web:dashboard") + "?year=2022")
    assert "本年度暂无经济指标" in html
    assert _data(html)["indicators"] == {"periods": [], "series": []}


@pytest.mark.parametrize("who", ROLES)
def test_map_points_carry_each_places_figures(client, board, changji, who):
    points = {p["name"]: p for p in _data(_html(client, who))["places"]}
    assert set(points) == {"昌吉市", "奇台县", "木垒哈萨克自治县", "喇嘛湖梁工业园"}
    for name, narrow in [("奇台县", {"county_id": changji["qitai"].id}),
                         ("木垒哈萨克自治县", {"county_id": changji["mulei"].id}),
                         ("喇嘛湖梁工业园", {"park_id": board["park"].id})]:  # fmt: skip
        figures = kpi_figures(Scope(year=2023, **narrow))
        assert points[name]["signed"] == figures["signed"].numerator
        assert points[name]["investment"] == figures["investment"].display
        assert points[name]["landing"] == figures["landing"].display
    assert (points["奇台县"]["signed"], points["奇台县"]["investment_yi"]) == (2, 12.0)
    assert (points["喇嘛湖梁工业园"]["signed"], points["昌吉市"]["signed"]) == (1, 0)
    assert (points["奇台县"]["lon"], points["奇台县"]["lat"]) == (89.59, 44.02)
    park = points["喇嘛湖梁工业园"]
    assert (park["x"], park["y"]) != (89.59, 44.02)  # nudged off its county seat to stay clickable
    assert park["url"] == reverse("web:projects") + "?park=qitai-lamahu"
    assert points["奇台县"]["url"] == reverse("web:projects") + "?county=652325"


def test_map_colour_and_alerts_come_from_the_places_projects(client, board, changji):
    points = {p["name"]: p for p in _data(_html(client, "leader"))["places"]}
    landing = kpi_figures(Scope(year=2023, county_id=changji["qitai"].id))["landing"].value
    assert points["奇台县"]["landingPct"] == landing
    assert points["昌吉市"]["landingPct"] is None  # nothing signed: drawn grey
    qitai = [alert_for(p).level for p in Project.objects.filter(county__code="652325")]
    assert points["奇台县"]["level"] == max(qitai, key=LEVELS.get)
    assert points["奇台县"]["flagged"] == sum(1 for level in qitai if level != "green")
    assert (points["昌吉市"]["level"], points["昌吉市"]["flagged"]) == ("green", 0)
    assert 'data-chart="place-map"' in _html(client, "leader")


def test_a_map_point_link_lists_that_parks_projects(client, board):
    html = _html(client, "leader", reverse("web:projects") + "?park=qitai-lamahu")
    assert "园区项目" in html and "风机项目" not in html


def test_dashboard_links_the_current_month_and_quarter_reports(client, board):
    html = _html(client, "leader")
    links = re.findall(r'href="(/reports/periodic\.(?:xlsx|docx)\?period=[^"]+)"', html)
    assert len(links) == 4 and any("-Q" in link for link in links)
    response = f.signed_in(client, "t_leader").get(
        reverse("web:periodic_briefing") + "?period=2023-Q1"
    )  # noqa: E501
    assert response.status_code == 200 and "招商引资简报_2023-Q1.docx" in unquote(
        response["Content-Disposition"]
    )  # noqa: E501
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "2023年第1季度，全州新签约招商引资项目2个，协议投资15亿元" in text


def test_period_briefing_needs_a_valid_period_and_a_login(client, board):
    url = reverse("web:periodic_briefing")
    assert client.get(url + "?period=2023-08").status_code == 302
    assert f.signed_in(client, "t_qitai").get(url + "?period=soon").status_code == 400


def test_anonymous_is_sent_to_login(client, board):
    for url in [reverse("web:dashboard"), reverse("web:indicators")]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("web:login") in response["Location"]
    response = client.post(reverse("web:indicators"), _gdp())
    assert response.status_code == 302 and EconomicIndicator.objects.count() == 3


# --- the indicator page -----------------------------------------------------------------------


def _form(**changes) -> dict:
    data = {"region": "", "period": "2023", "indicator": "gdp", "value": "2329.52",
            "source": "公开新闻报道"}  # fmt: skip
    return {**data, **changes}


def test_everyone_with_a_role_reads_the_list_only_the_bureau_sees_the_forms(client, board):
    for who, writes in [("leader", False), ("qitai", False), ("analyst", True), ("admin", True)]:
        client.logout()
        html = _html(client, who, reverse("web:indicators"))
        assert "1013.27亿元" in html and "昌吉州地方报纸2023年8月" in html and "共 3 条" in html
        assert ("录入一项指标" in html) == writes and ("从文件导入" in html) == writes


def test_analyst_enters_a_figure(client, board, changji):
    user = f.signed_in(client, "t_analyst")
    response = user.post(reverse("web:indicators"), _form(region=changji["prefecture"].pk))
    assert response.status_code == 302
    row = EconomicIndicator.objects.get(year=2023, period_kind="year")
    assert (str(row.value), row.unit, row.source) == ("2329.52", "亿元", "公开新闻报道")
    assert row.created_by.username == "t_analyst"


def test_a_bad_entry_shows_the_error_on_its_field_and_saves_nothing(client, board, changji):
    user = f.signed_in(client, "t_analyst")
    response = user.post(
        reverse("web:indicators"), _form(region=changji["prefecture"].pk, value="两千亿")
    )
    assert response.status_code == 400 and "数值「两千亿」不是数字" in response.content.decode()
    response = user.post(
        reverse("web:indicators"), _form(region=changji["prefecture"].pk, period="2023-Q2")
    )
    assert response.status_code == 400 and "已录入" in response.content.decode()
    assert EconomicIndicator.objects.count() == 3


@pytest.mark.parametrize("who", ["leader", "qitai"])
def test_leader_and_officer_cannot_enter_or_import(client, board, changji, who):
    user = f.signed_in(client, f"t_{who}")
    response = user.post(reverse("web:indicators"), _form(region=changji["prefecture"].pk))
    assert response.status_code == 403
    upload = io.BytesIO("地区,期间,指标,数值,来源\n奇台县,2023,地区生产总值,1,x\n".encode())
    upload.name = "a.csv"
    response = user.post(reverse("web:indicator_import"), {"file": upload})
    assert response.status_code == 403 and EconomicIndicator.objects.count() == 3


def _upload(text: str, name: str = "指标.csv") -> io.BytesIO:
    file = io.BytesIO(text.encode("utf-8"))
    file.name = name
    return file


def test_analyst_imports_a_file(client, board):
    text = "地区,期间,指标,数值,来源\n奇台县,2023,地区生产总值,300,报道\n木垒哈萨克自治县,2023,地区生产总值,90,报道\n"  # noqa: E501
    response = f.signed_in(client, "t_admin").post(
        reverse("web:indicator_import"), {"file": _upload(text)}
    )
    assert response.status_code == 302 and response["Location"].endswith("?imported=2")
    assert EconomicIndicator.objects.count() == 5


def test_an_import_with_bad_rows_lists_them_and_changes_nothing(client, board):
    text = "地区,期间,指标,数值,来源\n奇台县,2023,地区生产总值,300,报道\n火星,2023,地区生产总值,abc,报道\n"  # noqa: E501
    response = f.signed_in(client, "t_analyst").post(
        reverse("web:indicator_import"), {"file": _upload(text)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "第3行「地区」列：未知的地区「火星」" in html and "第3行「数值」列" in html
    assert EconomicIndicator.objects.count() == 3


def test_import_page_is_post_only(client, board):
    assert f.signed_in(client, "t_analyst").get(reverse("web:indicator_import")).status_code == 405
