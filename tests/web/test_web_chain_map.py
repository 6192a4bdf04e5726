"""The chain map (产业链图谱), its link panel, the cluster view and the diagnosis exports.

Every figure on a page or in a file is checked against `diagnose_chain` on the same records.
"""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from chainvest.chains.diagnosis import diagnose_all, diagnose_chain
from chainvest.chains.models import ChainChief, ChainLeader
from chainvest.chains.snapshots import take_snapshots
from chainvest.enterprises.models import Enterprise, EnterpriseLink
from chainvest.reports.chains import STATUS_LABELS, STATUSES, percent
from chainvest.web.charts import node_size
from tests.web import factories as f
from tests.web.factories import D
from tests.web.test_web_reports import json_block

HX = {"HTTP_HX_REQUEST": "true"}


def place(link, name: str, region, capital_wan: int) -> Enterprise:
    enterprise = Enterprise.objects.create(
        name=name, region=region, registered_capital_wan=capital_wan
    )
    EnterpriseLink.objects.create(enterprise=enterprise, link=link, source="manual")
    return enterprise


@pytest.fixture
def wind(cast, changji):
    """风电装备: resin → blade → farm and tower → farm; blade well stocked, tower thin,
    resin empty with only a lead, farm empty but targeted by a signed project."""
    chain = f.chain()
    links = {
        code: f.link(chain, code, name, stage)
        for code, name, stage in [
            ("resin", "树脂材料", "upstream"),
            ("blade", "叶片", "midstream"),
            ("tower", "塔筒", "midstream"),
            ("farm", "风电场运营", "downstream"),
        ]
    }
    links["resin"].feeds.add(links["blade"])
    links["blade"].feeds.add(links["farm"])
    links["tower"].feeds.add(links["farm"])
    qitai = changji["qitai"]
    leader = place(links["blade"], "金风叶片奇台有限公司", qitai, 20000)
    place(links["blade"], "奇台叶片二厂", qitai, 8000)
    place(links["blade"], "奇台叶片三厂", qitai, 6000)
    place(links["tower"], "木垒塔筒有限公司", changji["mulei"], 300)
    place(links["resin"], "外地树脂有限公司", None, 50000)
    ChainChief.objects.create(chain=chain, name="张建国", title="州人大常委会副主任")
    ChainLeader.objects.create(chain=chain, enterprise=leader)
    f.project(
        cast["qitai"], qitai, "风电场项目", signed=D(2024, 3, 1),
        chain_id=chain.id, link_id=links["farm"].id,
    )  # fmt: skip
    f.project(cast["qitai"], qitai, "树脂项目线索", chain_id=chain.id, link_id=links["resin"].id)
    return {"chain": chain, "links": links, "leader": leader}


def test_the_fixture_shows_every_status(wind):
    # The tests below lean on these; if the rules change, the fixture must change with them.
    statuses = {d.code: d.status for d in diagnose_chain(wind["chain"]).links}
    assert statuses["resin"] == "missing" and statuses["farm"] == "filling"
    assert statuses["tower"] == "weak"


def test_chain_map_colours_and_sizes_every_link_by_its_diagnosis(client, wind):
    html = f.signed_in(client, "t_analyst").get(reverse("web:chain", args=["wind-power"]))
    html = html.content.decode()
    diagnosis = diagnose_chain(wind["chain"])
    graph = json_block(html, "chain-graph-data")
    nodes = {int(n["id"]): n for n in graph["nodes"]}
    for link in diagnosis.links:
        node = nodes[link.link_id]
        assert node["status"] == link.status
        assert node["statusLabel"] == STATUS_LABELS[link.status]
        assert node["localCount"] == link.local_count
        assert node["size"] == node_size(link.local_count)
        assert node["url"] == reverse("web:chain_link", args=["wind-power", link.link_id])
    assert nodes[wind["links"]["blade"].id]["size"] > nodes[wind["links"]["resin"].id]["size"]
    assert [s["status"] for s in graph["statuses"]] == STATUSES
    flows = {(e["source"], e["target"]) for e in graph["edges"] if e["kind"] == "flow"}
    assert (str(wind["links"]["resin"].id), str(wind["links"]["blade"].id)) in flows


def test_chain_map_shows_completeness_matching_rate_chiefs_and_leaders(client, wind):
    html = f.signed_in(client, "t_analyst").get(reverse("web:chain", args=["wind-power"]))
    html = html.content.decode()
    diagnosis = diagnose_chain(wind["chain"])

    def figure(name):
        return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)

    assert figure("completeness") == percent(diagnosis.completeness)
    assert figure("matching-rate") == percent(diagnosis.matching_rate)
    assert figure("chiefs") == "张建国（州人大常委会副主任）"
    assert figure("leaders") == "金风叶片奇台有限公司"
    for reason in diagnosis.reasons:
        assert reason in html


def test_chain_map_lists_every_link_by_stage_for_keyboard_users(client, wind):
    html = f.signed_in(client, "t_analyst").get(reverse("web:chain", args=["wind-power"]))
    html = html.content.decode()
    listed = re.findall(r'data-link-id="(\d+)"\s+hx-get="([^"]+)"', html)
    assert {int(pk) for pk, _ in listed} == {link.id for link in wind["links"].values()}
    for pk, url in listed:
        assert url == reverse("web:chain_link", args=["wind-power", int(pk)])
    assert html.index("<h4>上游</h4>") < html.index("<h4>中游</h4>") < html.index("<h4>下游</h4>")


def test_link_panel_lists_local_enterprises_with_their_profiles(client, wind):
    tower = wind["links"]["tower"]
    url = reverse("web:chain_link", args=["wind-power", tower.id])
    response = f.signed_in(client, "t_leader").get(url, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    diagnosis = next(d for d in diagnose_chain(wind["chain"]).links if d.code == "tower")
    assert f'data-testid="link-status">{STATUS_LABELS[diagnosis.status]}<' in html
    for reason in diagnosis.reasons:
        assert reason in html
    profile = reverse(
        "web:enterprise_profile", args=[Enterprise.objects.get(name="木垒塔筒有限公司").pk]
    )
    assert f'<a href="{profile}">木垒塔筒有限公司</a>' in html
    assert "共 1 家" in html and '<td class="num">300.00</td>' in html
    assert "<html" not in html  # a partial, not the whole page
    assert f.inline_scripts(html) == []


def test_chain_map_shows_which_project_began_filling_which_gap_and_when(client, wind):
    take_snapshots(dt.date(2024, 2, 1))
    take_snapshots(dt.date(2024, 3, 1))
    html = f.signed_in(client, "t_leader").get(reverse("web:chain", args=["wind-power"]))
    section = re.search(r'data-testid="gap-fills">.*?</section>', html.content.decode(), re.S)
    rows = re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>", section.group(0))
    assert rows == [("2024-03", "风电场运营")]
    assert "缺失环节 → " in section.group(0) and "风电场项目" in section.group(0)


def test_link_panel_of_a_missing_link_shows_its_lead_and_no_targets_yet(client, wind):
    resin = wind["links"]["resin"]
    html = f.signed_in(client, "t_analyst").get(
        reverse("web:chain_link", args=["wind-power", resin.id]), **HX
    )
    html = html.content.decode()
    assert ">缺失环节<" in html
    assert "本地暂无该环节企业" in html
    assert "外地树脂有限公司" not in html  # elsewhere in China: a target, not a local
    assert "树脂项目线索" in html
    assert f"/links/{resin.id}/targets/panel/" in html  # best targets load by htmx


def test_link_panel_outside_htmx_opens_the_map_with_the_panel_in_place(client, wind):
    farm = wind["links"]["farm"]
    signed_in = f.signed_in(client, "t_analyst")
    response = signed_in.get(reverse("web:chain_link", args=["wind-power", farm.id]))
    assert response.status_code == 302
    page = signed_in.get(response["Location"]).content.decode()
    assert 'data-testid="link-status">在补环节<' in page
    assert "风电场项目" in page
    assert f'data-link-id="{farm.id}"' in page and 'aria-current="true"' in page


def test_a_link_of_another_chain_has_no_panel_here(client, wind):
    other = f.chain("pv", "光伏")
    wafer = f.link(other, "wafer", "硅片", "midstream")
    response = f.signed_in(client, "t_analyst").get(
        reverse("web:chain_link", args=["wind-power", wafer.id]), **HX
    )
    assert response.status_code == 404
    page = client.get(reverse("web:chain", args=["wind-power"]) + f"?link={wafer.id}")
    assert 'data-testid="link-status"' not in page.content.decode()


def test_cluster_view_counts_each_chains_links_by_status(client, wind):
    f.link(f.chain("pv", "光伏"), "wafer", "硅片", "midstream")
    html = f.signed_in(client, "t_leader").get(reverse("web:chains")).content.decode()
    for diagnosis in diagnose_all():
        row = re.search(rf'<tr data-chain="{diagnosis.code}">.*?</tr>', html, re.S).group(0)
        cells = dict(re.findall(r'data-col="([\w-]+)">([^<]*)<', row))
        assert cells["completeness"] == percent(diagnosis.completeness)
        for i, status in enumerate(STATUSES):
            assert int(cells[f"status-{i}"]) == diagnosis.count(status)
    overview = json_block(html, "chain-overview-data")
    assert overview["chains"] == [d.name for d in diagnose_all()]
    wind_at = overview["codes"].index("wind-power")
    assert overview["urls"][wind_at] == reverse("web:chain", args=["wind-power"])
    missing = next(s for s in overview["series"] if s["status"] == "missing")
    assert missing["data"][wind_at] == diagnose_chain(wind["chain"]).count("missing")


def pages(wind) -> dict[str, tuple[str, dict]]:
    farm = wind["links"]["farm"].id
    return {
        "chains": (reverse("web:chains"), {}),
        "chain": (reverse("web:chain", args=["wind-power"]), {}),
        "chain_link": (reverse("web:chain_link", args=["wind-power", farm]), HX),
        "chains_xlsx": (reverse("web:chains_xlsx"), {}),
        "chain_xlsx": (reverse("web:chain_xlsx", args=["wind-power"]), {}),
        "chain_docx": (reverse("web:chain_docx", args=["wind-power"]), {}),
    }


VIEWS = ["chains", "chain", "chain_link", "chains_xlsx", "chain_xlsx", "chain_docx"]


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_visitor_is_sent_to_login(client, wind, view):
    url, headers = pages(wind)[view]
    response = client.get(url, **headers)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=")


@pytest.mark.parametrize("view", VIEWS)
def test_leader_reads_every_chain_view(client, wind, view):
    url, headers = pages(wind)[view]
    response = f.signed_in(client, "t_leader").get(url, **headers)
    assert response.status_code == 200


@pytest.mark.parametrize("view", VIEWS)
def test_county_officer_reads_every_chain_view(client, wind, view):
    url, headers = pages(wind)[view]
    assert f.signed_in(client, "t_mulei").get(url, **headers).status_code == 200


def _xlsx(response):
    import openpyxl

    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_chain_xlsx_holds_the_diagnosis_figures_and_reasons(client, wind):
    response = f.signed_in(client, "t_leader").get(reverse("web:chain_xlsx", args=["wind-power"]))
    sheets = _xlsx(response)
    diagnosis = diagnose_chain(wind["chain"])
    chain_rows = sheets["产业链"]
    head = chain_rows[1]
    row = dict(zip(head, chain_rows[2], strict=True))
    assert row["产业链"] == "风电装备"
    assert row["完整度"] == pytest.approx(diagnosis.completeness)
    expected_rate = "-" if diagnosis.matching_rate is None else diagnosis.matching_rate
    assert row["本地配套率"] == pytest.approx(expected_rate)
    assert row["链长"] == "张建国（州人大常委会副主任）"
    for status in STATUSES:
        assert row[STATUS_LABELS[status] + "(个)"] == diagnosis.count(status)
    assert chain_rows[3][0] == "共 1 条"
    link_rows = sheets["环节"]
    links = [dict(zip(link_rows[1], r, strict=True)) for r in link_rows[2:-1]]
    assert link_rows[-1][0] == f"共 {len(diagnosis.links)} 条"
    assert [r["环节代码"] for r in links] == [d.code for d in diagnosis.links]
    for got, want in zip(links, diagnosis.links, strict=True):
        assert got["本地企业(家)"] == want.local_count
        assert got["注册资本合计(万元)"] == pytest.approx(want.local_capital_wan)
        assert got["链主企业(家)"] == want.leader_count
        assert got["已签约项目(个)"] == want.pipeline_signed
        assert got["在建项目(个)"] == want.pipeline_building
        lq = want.location_quotient
        assert got["区位商"] == ("-" if lq is None else pytest.approx(lq))
        assert got["状态"] == STATUS_LABELS[want.status]
        assert (got["建议"] or "") == want.action
        assert got["诊断依据"] == "\n".join(want.reasons)


def test_all_chains_xlsx_has_a_row_per_chain_and_per_link(client, wind):
    f.link(f.chain("pv", "光伏"), "wafer", "硅片", "midstream")
    sheets = _xlsx(f.signed_in(client, "t_analyst").get(reverse("web:chains_xlsx")))
    diagnoses = diagnose_all()
    assert [r[0] for r in sheets["产业链"][2:-1]] == [d.code for d in diagnoses]
    assert len(sheets["环节"]) - 3 == sum(len(d.links) for d in diagnoses)


def test_chain_docx_report_carries_the_figures_and_a_row_per_link(client, wind):
    from docx import Document

    response = f.signed_in(client, "t_leader").get(reverse("web:chain_docx", args=["wind-power"]))
    assert response["Content-Type"].endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    diagnosis = diagnose_chain(wind["chain"])
    assert doc.paragraphs[0].text == "风电装备产业链诊断报告"
    figures = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert figures["完整度"] == percent(diagnosis.completeness)
    assert figures["本地配套率"] == percent(diagnosis.matching_rate)
    assert figures["链长"] == "张建国（州人大常委会副主任）"
    assert figures["链主企业"] == "金风叶片奇台有限公司"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert all(reason in text for reason in diagnosis.reasons)
    rows = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert rows[0][0] == "环节" and len(rows) == len(diagnosis.links) + 1
    for got, want in zip(rows[1:], diagnosis.links, strict=True):
        assert got[0] == want.name
        assert got[2] == str(want.local_count)
        assert got[3] == f"{want.pipeline_building}/{want.pipeline_signed}"
        assert got[4] == STATUS_LABELS[want.status]
        assert got[5] == (want.action or "-")
        assert got[6] == ("\n".join(want.reasons) or "-")
