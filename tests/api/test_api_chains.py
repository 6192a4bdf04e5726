import pytest
from django.test import Client

from chainvest.chains.models import Chain, Cluster, Link
from chainvest.enterprises.models import Enterprise, EnterpriseLink
from chainvest.regions.models import IndustryCode


@pytest.fixture
def wind_chain(db):
    cluster = Cluster.objects.create(
        code="new-energy", name="新能源新材料等战略性新兴产业集群", order=8
    )
    chain = Chain.objects.create(code="wind-power", name="风电装备", cluster=cluster)
    Chain.objects.create(code="photovoltaic", name="光伏", cluster=cluster, order=1)
    parts = Link.objects.create(chain=chain, code="parts", name="零部件", stage="upstream", order=1)
    blades = Link.objects.create(
        chain=chain,
        parent=parts,
        code="blades",
        name="叶片",
        stage="upstream",
        keywords=["叶片", "玻璃纤维"],
        products=["风电叶片"],
        weight=3,
    )
    turbine = Link.objects.create(
        chain=chain, code="turbine", name="整机制造", stage="midstream", order=2
    )
    Link.objects.create(chain=chain, code="farm", name="风电场运营", stage="downstream", order=3)
    code = IndustryCode.objects.create(code="3415", name="风能原动设备制造", level=4)
    turbine.industry_codes.add(code)
    blades.feeds.add(turbine)
    return chain


def test_chain_list_shows_cluster_and_link_count(clients, wind_chain):
    response = clients["leader"].get("/api/chains")
    assert response.status_code == 200
    by_code = {c["code"]: c for c in response.json()}
    assert by_code["wind-power"]["link_count"] == 4
    assert by_code["wind-power"]["cluster"] == {
        "code": "new-energy",
        "name": "新能源新材料等战略性新兴产业集群",
    }
    assert by_code["photovoltaic"]["link_count"] == 0
    only = clients["leader"].get("/api/chains?cluster=coal").json()
    assert only == []


def test_chain_detail_nests_links_and_lists_flows(clients, wind_chain):
    response = clients["analyst"].get(f"/api/chains/{wind_chain.id}")
    assert response.status_code == 200
    body = response.json()
    assert [node["code"] for node in body["links"]] == ["parts", "turbine", "farm"]
    parts = body["links"][0]
    assert parts["stage"] == {"code": "upstream", "label": "上游"}
    blades = parts["children"][0]
    assert blades["code"] == "blades"
    assert blades["keywords"] == ["叶片", "玻璃纤维"]
    assert blades["products"] == ["风电叶片"]
    assert blades["weight"] == 3 and blades["children"] == []
    assert body["links"][1]["industry_codes"] == ["3415"]
    assert body["flows"] == [{"from": "blades", "to": "turbine"}]
    assert body["link_count"] == 4


def test_unknown_chain_is_404(clients, wind_chain):
    response = clients["leader"].get("/api/chains/999999")
    assert response.status_code == 404
    assert response.json()["detail"] == "产业链不存在：999999"


def test_chain_diagnosis_lists_every_link_with_status_and_reasons(clients, wind_chain, cast):
    here = Enterprise.objects.create(
        name="本地整机厂", region=cast["qitai"].profile.county, registered_capital_wan=50000
    )
    turbine = wind_chain.links.get(code="turbine")
    EnterpriseLink.objects.create(enterprise=here, link=turbine, source="manual")
    response = clients["leader"].get(f"/api/chains/{wind_chain.id}/diagnosis")
    assert response.status_code == 200
    body = response.json()
    by_code = {link["code"]: link for link in body["links"]}
    assert set(by_code) == {"parts", "blades", "turbine", "farm"}
    assert by_code["turbine"]["local_count"] == 1
    assert by_code["turbine"]["status"] == "weak"  # 1 enterprise, below the default 3
    assert by_code["turbine"]["status_label"] == "薄弱环节"
    assert by_code["blades"]["status"] == "missing"
    assert by_code["blades"]["feeds"] == [turbine.id]
    assert by_code["turbine"]["reasons"]
    assert body["completeness"] == pytest.approx(1 / 6)  # turbine weight 1 of 1+3+1+1
    assert body["region_code"] == "652300"


def test_chain_diagnosis_of_unknown_chain_is_404_and_needs_a_token(clients, wind_chain):
    assert clients["leader"].get("/api/chains/999999/diagnosis").status_code == 404
    assert Client().get(f"/api/chains/{wind_chain.id}/diagnosis").status_code == 401
