"""精准招商 pages: a link's targets, the chain-map partial, export and one-click conversion."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from chainvest.chains import targeting
from chainvest.chains.models import Chain, Cluster, Link
from chainvest.enterprises.models import Enterprise, EnterpriseLink, EnterpriseRelation
from chainvest.projects.models import Engagement, Project
from chainvest.regions.models import Region, RegionLevel
from tests.web import factories as f

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_pool():
    targeting._CACHE.clear()


@pytest.fixture
def gap(changji, cast):
    """A resin link with nobody here; two resin makers elsewhere, one supplying our leader."""
    elsewhere = Region.objects.create(code="320100", name="南京市", level=RegionLevel.CITY)
    chain = Chain.objects.create(
        code="wind-power", name="风电装备", cluster=Cluster.objects.create(code="ne", name="新能源")
    )
    resin = Link.objects.create(chain=chain, code="resin", name="树脂", stage="upstream")
    blade = Link.objects.create(chain=chain, code="blade", name="叶片", stage="midstream")
    leader = Enterprise.objects.create(
        name="本地叶片链主", region=changji["changji"], is_chain_leader=True
    )
    EnterpriseLink.objects.create(enterprise=leader, link=blade, source="manual")
    big = Enterprise.objects.create(
        name="外地树脂大厂", region=elsewhere, registered_capital_wan=90000
    )
    partner = Enterprise.objects.create(
        name="外地树脂伙伴", region=elsewhere, registered_capital_wan=500
    )
    for e in (big, partner):
        EnterpriseLink.objects.create(enterprise=e, link=resin, source="auto", confidence=0.8)
    EnterpriseRelation.objects.create(source=partner, target=leader, kind="supplies")
    return {"link": resin, "big": big, "partner": partner}


def test_target_page_lists_targets_with_parts_reasons_and_convert_buttons(client, gap):
    url = reverse("web:link_targets", args=[gap["link"].id])
    response = f.signed_in(client, "t_analyst").get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("外地树脂伙伴") < html.index("外地树脂大厂")  # the leader's supplier first
    assert "以商招商" in html and "本地叶片链主" in html
    assert "转化" in html and f.inline_scripts(html) == []


def test_target_page_needs_sign_in(client, gap):
    response = client.get(reverse("web:link_targets", args=[gap["link"].id]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_leader_reads_targets_without_convert_buttons(client, gap):
    html = (
        f.signed_in(client, "t_leader")
        .get(reverse("web:link_targets", args=[gap["link"].id]))
        .content.decode()
    )
    assert "外地树脂大厂" in html
    assert "target_convert" not in html and "/convert/" not in html


def test_chain_map_partial_shows_the_best_targets(client, gap):
    url = reverse("web:link_targets_panel", args=[gap["link"].id])
    html = f.signed_in(client, "t_qitai").get(url, **HX).content.decode()
    assert "<html" not in html and "外地树脂伙伴" in html
    assert reverse("web:link_targets", args=[gap["link"].id]) in html


def test_export_downloads_the_list(client, gap):
    import openpyxl

    url = reverse("web:link_targets_xlsx", args=[gap["link"].id])
    response = f.signed_in(client, "t_leader").get(url)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[1] for row in book["招商目标"].iter_rows(min_row=4, values_only=True)]
    assert names[:2] == ["外地树脂伙伴", "外地树脂大厂"]


def test_one_click_turns_a_target_into_a_lead(client, gap, changji):
    url = reverse("web:target_convert", args=[gap["link"].id, gap["partner"].id])
    response = f.signed_in(client, "t_analyst").post(
        url, {"kind": "lead", "county": changji["qitai"].id}, **HX
    )
    assert response.status_code == 200 and "已转为线索" in response.content.decode()
    lead = Project.objects.get(investor=gap["partner"])
    assert (lead.stage, lead.link, lead.county) == ("lead", gap["link"], changji["qitai"])
    assert "以商招商" in lead.source


def test_officer_records_an_engagement_for_their_county(client, gap, cast):
    url = reverse("web:target_convert", args=[gap["link"].id, gap["big"].id])
    response = f.signed_in(client, "t_qitai").post(url, {"kind": "engagement"}, **HX)
    assert response.status_code == 200
    visit = Engagement.objects.get(enterprise=gap["big"])
    assert visit.officer == cast["qitai"] and visit.county == cast["qitai"].profile.county


def test_leader_and_other_county_officer_cannot_convert(client, gap, changji):
    url = reverse("web:target_convert", args=[gap["link"].id, gap["big"].id])
    data = {"kind": "lead", "county": changji["qitai"].id}
    assert f.signed_in(client, "t_leader").post(url, data, **HX).status_code == 403
    assert f.signed_in(client, "t_mulei").post(url, data, **HX).status_code == 403
    assert not Project.objects.exists() and not Engagement.objects.exists()


def test_bad_conversion_answers_400_and_changes_nothing(client, gap, changji):
    url = reverse("web:target_convert", args=[gap["link"].id, gap["big"].id])
    response = f.signed_in(client, "t_admin").post(
        url, {"kind": "x", "county": changji["qitai"].id}
    )
    assert response.status_code == 400 and "转化方式" in response.content.decode()
    assert not Project.objects.exists() and not Engagement.objects.exists()


def test_growth_page_ranks_links_we_lack_with_the_numbers_behind_the_chart(client, gap):
    response = f.signed_in(client, "t_leader").get(reverse("web:growth"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="growth-points"' in html and f.inline_scripts(html) == []
    table = html[html.index('data-testid="growth-table"') :]
    assert table.index("树脂") < table.index("已形成优势的环节")  # resin is absent here
    assert reverse("web:link_targets", args=[gap["link"].id]) in table


def test_growth_page_needs_sign_in(client, gap):
    assert client.get(reverse("web:growth")).status_code == 302
