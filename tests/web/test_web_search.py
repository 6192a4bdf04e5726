"""企业检索 page: every role reads it, filters narrow it, selects cascade, bad input is named."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chainvest.enterprises import search
from chainvest.enterprises.models import Enterprise, EnterpriseLink
from chainvest.regions.models import Region, RegionLevel
from tests.web import factories as f

URL = "/enterprises/"


@pytest.fixture
def pool(cast, changji):
    wind = f.chain()
    blade = f.link(wind, "blade", "叶片", "midstream")
    beijing = Region.objects.create(code="110000", name="北京市", level=RegionLevel.PROVINCE)
    Region.objects.create(code="110105", name="朝阳区", level=RegionLevel.COUNTY, parent=beijing)
    first = Enterprise.objects.create(
        name="昌吉鑫泰风电叶片有限公司",
        uscc="914403001922038216",
        region=changji["changji"],
        registered_capital_wan=Decimal("5000.5"),
        status="存续",
        business_scope="风电叶片制造",
        former_names=["昌吉鑫泰复合材料有限公司"],
    )
    EnterpriseLink.objects.create(enterprise=first, link=blade, source="auto", confidence=0.9)
    Enterprise.objects.create(
        name="奇台天顺商贸有限公司",
        region=changji["qitai"],
        status="注销",
        registered_capital_text="200万美元",
        registered_capital_currency="USD",
    )
    return {"first": first, "blade": blade}


def test_the_url_is_named_enterprise_search():
    assert reverse("web:enterprise_search") == URL


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.django_db
def test_user_without_a_role_is_refused(client, pool):
    get_user_model().objects.create_user("outsider", password=f.PASSWORD)
    assert f.signed_in(client, "outsider").get(URL).status_code == 403


@pytest.mark.parametrize("user", ["t_admin", "t_analyst", "t_leader", "t_qitai"])
@pytest.mark.django_db
def test_every_role_reads_the_pool_including_read_only_leaders(client, pool, user):
    page = f.signed_in(client, user).get(URL).content.decode()
    assert "昌吉鑫泰风电叶片有限公司" in page
    assert "奇台天顺商贸有限公司" in page
    assert "共 2 条" in page


@pytest.mark.django_db
def test_a_keyword_search_shows_name_code_region_capital_status_and_links(client, pool):
    page = f.signed_in(client, "t_analyst").get(URL, {"q": "复合材料"}).content.decode()
    first = pool["first"]
    assert f'href="/enterprises/{first.pk}/"' in page
    assert "914403001922038216" in page
    assert "新疆维吾尔自治区 昌吉回族自治州 昌吉市" in page
    assert "5,000.5" in page
    assert "风电装备</a> · 叶片" in page
    assert "奇台天顺商贸有限公司" not in page
    assert "共 1 条" in page


@pytest.mark.django_db
def test_filters_by_region_chain_link_capital_and_status(client, pool):
    reader = f.signed_in(client, "t_leader")

    def found(**params):
        page = reader.get(URL, params).content.decode()
        return [n for n in ("昌吉鑫泰风电叶片有限公司", "奇台天顺商贸有限公司") if n in page]

    assert found(province="650000", city="652300", county="652325") == ["奇台天顺商贸有限公司"]
    assert found(code="6523") == ["昌吉鑫泰风电叶片有限公司", "奇台天顺商贸有限公司"]
    assert found(chain="wind-power") == ["昌吉鑫泰风电叶片有限公司"]
    assert found(chain="wind-power", link=pool["blade"].pk) == ["昌吉鑫泰风电叶片有限公司"]
    assert found(capital_min="1000") == ["昌吉鑫泰风电叶片有限公司"]
    assert found(status="注销") == ["奇台天顺商贸有限公司"]
    assert found(province="110000") == []


@pytest.mark.django_db
def test_a_capital_that_is_not_a_number_is_named_and_ignored(client, pool):
    page = f.signed_in(client, "t_analyst").get(URL, {"capital_min": "很多"}).content.decode()
    assert "注册资本下限(万元)" in page and "请输入正确的注册资本下限(万元)" in page
    assert "共 2 条" in page


@pytest.mark.django_db
def test_the_table_alone_answers_an_htmx_search(client, pool):
    response = f.signed_in(client, "t_analyst").get(
        URL, {"q": "叶片"}, headers={"HX-Request": "true", "HX-Target": "enterprise-table"}
    )
    page = response.content.decode()
    assert "<form" not in page and "昌吉鑫泰风电叶片有限公司" in page


@pytest.mark.django_db
def test_choosing_a_province_loads_its_cities_and_direct_counties(client, pool):
    reader = f.signed_in(client, "t_analyst")
    options = reverse("web:enterprise_search_options")
    xinjiang = reader.get(options, {"target": "city", "province": "650000"}).content.decode()
    assert '<option value="652300">昌吉回族自治州</option>' in xinjiang
    beijing = reader.get(options, {"target": "city", "province": "110000"}).content.decode()
    assert 'hx-swap-oob="true"' in beijing and "朝阳区" in beijing
    county = reader.get(options, {"target": "county", "city": "652300"}).content.decode()
    assert "奇台县" in county and "木垒哈萨克自治县" in county
    links = reader.get(options, {"target": "link", "chain": "wind-power"}).content.decode()
    assert f'<option value="{pool["blade"].pk}">叶片</option>' in links


@pytest.mark.django_db
def test_the_page_has_no_inline_script(client, pool):
    page = f.signed_in(client, "t_analyst").get(URL).content.decode()
    assert "<script>" not in page and "onclick" not in page


@pytest.mark.django_db
def test_a_large_result_is_counted_only_up_to_the_cap(client, pool, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 1)
    page = f.signed_in(client, "t_analyst").get(URL).content.decode()
    assert "共 1+ 条" in page
