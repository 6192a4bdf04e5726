"""The event page: follow-through rates as of a date, the briefing, re-signings flagged."""

import pytest
from django.urls import reverse

from chainvest.projects.services import record_signing
from tests.web import factories as f
from tests.web.factories import D


@pytest.fixture
def world(cast, changji):
    e1 = f.event("第一场推介会", D(2023, 3, 10))
    e4 = f.event("第四场推介会", D(2023, 8, 18), place="新疆国际会展中心")
    f.project(
        cast["qitai"], changji["qitai"], "奇台风机项目", agreed="10亿元", signed=D(2023, 8, 18),
        started=D(2023, 9, 1), event_id=e4.id, industry="装备制造",
    )  # fmt: skip
    old = f.project(
        cast["qitai"], changji["qitai"], "老项目", agreed="4亿元", signed=D(2023, 3, 10),
        event_id=e1.id, industry="新能源",
    )  # fmt: skip
    record_signing(cast["qitai"], old, D(2023, 8, 18), e4)
    return {"e4": e4}


def page(client, world, query=""):
    url = reverse("web:event", args=[world["e4"].pk]) + query
    return f.signed_in(client, "t_leader").get(url).content.decode()


def test_event_page_shows_rates_briefing_and_the_flagged_resigning(client, world):
    html = page(client, world)
    assert 'data-figure="start">100.0%' in html
    assert "活动现场签约项目1个，总投资10亿元，涉及装备制造等领域" in html
    assert "另有1个项目系此前已签约项目再次签约，不重复计入" in html
    assert 'class="tag tag-danger">重复签约' in html and "老项目" in html
    assert "计入 1 个，重复签约 1 个" in html


def test_rates_as_of_an_earlier_date(client, world):
    html = page(client, world, "?as_of=2023-08-31")
    assert 'data-figure="start">0.0%' in html and "截至2023年8月31日" in html


def test_event_page_is_read_only_for_leaders_and_closed_to_outsiders(client, world):
    html = page(client, world)
    assert html.count('<form method="post"') == 1  # only 退出登录
    client.logout()
    response = client.get(reverse("web:event", args=[world["e4"].pk]))
    assert response.status_code == 302


def test_leader_downloads_the_signing_list_and_briefing(client, world):
    import io

    from docx import Document
    from openpyxl import load_workbook

    leader = f.signed_in(client, "t_leader")
    url = reverse("web:event_export", args=[world["e4"].pk, "xlsx"])
    response = leader.get(url)
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["签约清单"]
    assert sheet["A1"].value == "第四场推介会签约项目清单"
    response = leader.get(reverse("web:event_export", args=[world["e4"].pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "活动现场签约项目1个" in text


def test_periodic_report_download_and_bad_period(client, world):
    import io

    from openpyxl import load_workbook

    leader = f.signed_in(client, "t_leader")
    response = leader.get(reverse("web:periodic_report") + "?period=2023-Q3")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "指标"
    response = leader.get(reverse("web:periodic_report") + "?period=soon")
    assert response.status_code == 400 and "报告期" in response.content.decode()


def test_outsider_cannot_download(client, world):
    assert client.get(reverse("web:event_export", args=[world["e4"].pk, "xlsx"])).status_code == 302
    assert client.get(reverse("web:periodic_report") + "?period=2023-08").status_code == 302
