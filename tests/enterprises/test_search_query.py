"""search_enterprises: substrings of names, former names and scopes, with every filter.

The same tests run on SQLite (FTS5 trigram table + LIKE for short terms) and PostgreSQL
(pg_trgm GIN indexes), so both paths must give the same answers.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from chainvest.enterprises import search
from chainvest.enterprises.models import Enterprise, EnterpriseLink
from chainvest.enterprises.search import FTS_TABLE, region_prefix, search_enterprises, uses_fts
from chainvest.regions.models import Region, RegionLevel
from tests.web import factories as f


def names(qs) -> list[str]:
    return [e.name for e in qs]


@pytest.fixture
def pool(changji):
    beijing = Region.objects.create(code="110000", name="北京市", level=RegionLevel.PROVINCE)
    chaoyang = Region.objects.create(
        code="110105", name="朝阳区", level=RegionLevel.COUNTY, parent=beijing
    )
    wind = f.chain()
    blade = f.link(wind, "blade", "叶片", "midstream")
    tower = f.link(wind, "tower", "塔筒", "midstream")
    pv = f.chain("photovoltaic", "光伏", "new-energy")
    module = f.link(pv, "modules", "光伏组件", "midstream")

    def ent(name, region, link=None, **fields):
        fields.setdefault("status", "存续")
        e = Enterprise.objects.create(name=name, region=region, **fields)
        if link:
            EnterpriseLink.objects.create(enterprise=e, link=link, source="auto", confidence=0.8)
        return e

    return {
        "blade": ent(
            "昌吉鑫泰风电叶片有限公司",
            changji["changji"],
            blade,
            business_scope="一般项目：风电叶片制造；玻璃纤维增强塑料制品制造。",
            registered_capital_wan=Decimal("5000"),
            former_names=["昌吉鑫泰复合材料有限公司"],
        ),
        "tower": ent(
            "奇台宏远塔筒制造有限公司",
            changji["qitai"],
            tower,
            business_scope="风机塔筒制造；钢结构制造。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
            registered_capital_wan=Decimal("800"),
            status="吊销，未注销",
        ),
        "module": ent(
            "北京ABC光伏科技有限公司",
            chaoyang,
            module,
            business_scope="光伏设备及元器件制造；技术服务。",
            registered_capital_wan=Decimal("120"),
            former_names=["北京天华新能源有限公司", "北京光明伏能有限公司"],
        ),
        "trader": ent(
            "木垒天顺商贸有限公司",
            changji["mulei"],
            business_scope="日用百货销售；五金产品批发。",
            registered_capital_wan=None,
            status="存续（在营、开业、在册）",
        ),
        "links": {"blade": blade, "tower": tower, "module": module},
    }


@pytest.mark.django_db
def test_a_substring_of_the_name_finds_the_enterprise(pool):
    assert names(search_enterprises(q="宏远塔筒")) == ["奇台宏远塔筒制造有限公司"]


@pytest.mark.django_db
def test_a_former_name_finds_the_enterprise_under_its_current_name(pool):
    assert names(search_enterprises(q="复合材料")) == ["昌吉鑫泰风电叶片有限公司"]
    assert names(search_enterprises(q="光明伏能")) == ["北京ABC光伏科技有限公司"]


@pytest.mark.django_db
def test_a_phrase_of_the_business_scope_finds_the_enterprise(pool):
    assert names(search_enterprises(q="玻璃纤维增强")) == ["昌吉鑫泰风电叶片有限公司"]
    assert names(search_enterprises(q="五金产品批发")) == ["木垒天顺商贸有限公司"]


@pytest.mark.django_db
def test_one_and_two_character_queries_search_all_three_fields(pool):
    assert names(search_enterprises(q="塔筒")) == ["奇台宏远塔筒制造有限公司"]
    assert names(search_enterprises(q="伏能")) == ["北京ABC光伏科技有限公司"]  # former name
    assert names(search_enterprises(q="百货")) == ["木垒天顺商贸有限公司"]  # scope
    assert names(search_enterprises(q="筒")) == ["奇台宏远塔筒制造有限公司"]


@pytest.mark.django_db
def test_latin_letters_match_without_regard_to_case(pool):
    assert names(search_enterprises(q="abc光伏")) == ["北京ABC光伏科技有限公司"]
    assert names(search_enterprises(q="bc")) == ["北京ABC光伏科技有限公司"]


@pytest.mark.django_db
def test_every_whitespace_separated_term_must_match(pool):
    assert names(search_enterprises(q="昌吉 叶片制造")) == ["昌吉鑫泰风电叶片有限公司"]
    assert names(search_enterprises(q="昌吉 塔筒")) == []


@pytest.mark.django_db
def test_like_wildcards_and_quotes_in_a_query_are_taken_literally(pool):
    assert names(search_enterprises(q="%")) == []
    assert names(search_enterprises(q="_")) == []
    assert names(search_enterprises(q='光伏"设备')) == []


@pytest.mark.django_db
def test_region_filter_works_at_province_city_and_county_level(pool):
    everyone = {"昌吉鑫泰风电叶片有限公司", "奇台宏远塔筒制造有限公司", "木垒天顺商贸有限公司"}
    assert set(names(search_enterprises(region="650000"))) == everyone
    assert set(names(search_enterprises(region="652300"))) == everyone
    assert set(names(search_enterprises(region="6523"))) == everyone
    assert names(search_enterprises(region="652325")) == ["奇台宏远塔筒制造有限公司"]
    assert names(search_enterprises(region="11")) == ["北京ABC光伏科技有限公司"]


@pytest.mark.django_db
def test_region_codes_are_read_by_level_not_by_trailing_zeros(changji):
    assert region_prefix("652300") == "6523"
    assert region_prefix("650000") == "65"
    assert region_prefix("652301") == "652301"
    assert region_prefix("110000") == "11"  # not in the table: read from the zeros


@pytest.mark.django_db
def test_a_malformed_region_code_is_a_field_error(pool):
    with pytest.raises(ValidationError) as info:
        search_enterprises(region="65a")
    assert "区划代码" in info.value.message_dict["region"][0]


@pytest.mark.django_db
def test_chain_and_link_filters(pool):
    links = pool["links"]
    assert set(names(search_enterprises(chain="wind-power"))) == {
        "昌吉鑫泰风电叶片有限公司",
        "奇台宏远塔筒制造有限公司",
    }
    assert names(search_enterprises(link=links["module"].id)) == ["北京ABC光伏科技有限公司"]
    assert names(search_enterprises(chain="wind-power", q="叶片")) == ["昌吉鑫泰风电叶片有限公司"]


@pytest.mark.django_db
def test_an_enterprise_on_two_links_of_a_chain_is_listed_once(pool):
    EnterpriseLink.objects.create(
        enterprise=pool["blade"], link=pool["links"]["tower"], source="manual"
    )
    assert search_enterprises(chain="wind-power").count() == 2


@pytest.mark.django_db
def test_capital_range_in_wan_yuan(pool):
    assert names(search_enterprises(capital_min=500, capital_max="1000")) == [
        "奇台宏远塔筒制造有限公司"
    ]
    assert len(search_enterprises(capital_min=100)) == 3
    assert names(search_enterprises(capital_max=200)) == ["北京ABC光伏科技有限公司"]


@pytest.mark.django_db
def test_a_non_numeric_capital_bound_is_a_field_error(pool):
    with pytest.raises(ValidationError) as info:
        search_enterprises(capital_min="很多")
    assert "capital_min" in info.value.message_dict


@pytest.mark.django_db
def test_status_matches_the_vendor_wording_by_its_leading_word(pool):
    assert set(names(search_enterprises(status="存续"))) == {
        "昌吉鑫泰风电叶片有限公司",
        "北京ABC光伏科技有限公司",
        "木垒天顺商贸有限公司",
    }
    assert names(search_enterprises(status="吊销")) == ["奇台宏远塔筒制造有限公司"]


@pytest.mark.django_db
def test_archived_and_merged_enterprises_are_hidden_unless_asked_for(pool):
    Enterprise.objects.filter(pk=pool["tower"].pk).update(archived=True)
    Enterprise.objects.filter(pk=pool["trader"].pk).update(merged_into=pool["blade"])
    assert names(search_enterprises(q="有限公司")) == [
        "北京ABC光伏科技有限公司",
        "昌吉鑫泰风电叶片有限公司",
    ]
    assert len(search_enterprises(q="有限公司", include_archived=True)) == 4


@pytest.mark.django_db
def test_an_exact_name_match_comes_first(pool):
    Enterprise.objects.create(name="奇台宏远塔筒", business_scope="贸易")
    Enterprise.objects.create(name="奇台宏远塔筒制造有限公司分公司")
    result = names(search_enterprises(q="奇台宏远塔筒制造有限公司"))
    assert result == ["奇台宏远塔筒制造有限公司", "奇台宏远塔筒制造有限公司分公司"]
    assert names(search_enterprises(q="奇台宏远塔筒"))[0] == "奇台宏远塔筒"


@pytest.mark.django_db
def test_the_index_follows_updates_and_deletes(pool):
    tower = pool["tower"]
    tower.business_scope = "海上风电安装服务"
    tower.former_names = ["奇台旧名重工有限公司"]
    tower.save()
    assert names(search_enterprises(q="钢结构制造")) == []
    assert names(search_enterprises(q="海上风电安装")) == ["奇台宏远塔筒制造有限公司"]
    assert names(search_enterprises(q="旧名重工")) == ["奇台宏远塔筒制造有限公司"]
    tower.delete()
    assert names(search_enterprises(q="海上风电安装")) == []
    assert names(search_enterprises(q="旧名重工")) == []


@pytest.mark.django_db
def test_a_short_term_at_the_very_end_of_a_value_is_found(pool):
    assert len(search_enterprises(q="公司")) == 4
    assert len(search_enterprises(q="司")) == 4


@pytest.mark.django_db
def test_sqlite_answers_long_terms_from_the_fts5_trigram_table(pool):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert uses_fts()
    sql = str(search_enterprises(q="风电叶片").query)
    assert FTS_TABLE in sql and "MATCH" in sql


@pytest.mark.django_db
def test_sqlite_expands_short_terms_to_trigrams_and_falls_back_to_like(pool, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert '"叶片制" OR "叶片有"' in str(search_enterprises(q="叶片").query)
    monkeypatch.setattr(search, "MAX_EXPANSION", 1)
    sql = str(search_enterprises(q="叶片").query)
    assert FTS_TABLE not in sql and "LIKE" in sql
    assert names(search_enterprises(q="叶片")) == ["昌吉鑫泰风电叶片有限公司"]


@pytest.mark.django_db
def test_postgresql_answers_from_the_trigram_indexes(pool):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    # Without the archived filter, and with scans off, only the trigram indexes are left.
    qs = search_enterprises(q="风电叶片", include_archived=True)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")  # the id order could walk the primary key
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    for index in ("enterprise_name_trgm", "enterprise_scope_trgm", "enterprise_former_names_trgm"):
        assert index in plan


@pytest.mark.django_db
def test_counting_stops_at_the_cap(pool):
    assert search.count_capped(search_enterprises(), cap=2) == (2, True)
    assert search.count_capped(search_enterprises(), cap=10) == (4, False)


@pytest.mark.django_db
@pytest.mark.parametrize("common", [1, 10**9])
def test_a_common_term_behind_a_narrow_filter_finds_the_same_rows(pool, monkeypatch, common):
    """SQLite tests a common term row by row on a chain's or a city's rows; same answer."""
    monkeypatch.setattr(search, "COMMON", common)
    assert names(search_enterprises(chain="wind-power", q="有限公司")) == [
        "奇台宏远塔筒制造有限公司",
        "昌吉鑫泰风电叶片有限公司",
    ]
    assert names(search_enterprises(chain="wind-power", q="叶片 有限公司")) == [
        "昌吉鑫泰风电叶片有限公司"
    ]
    links = pool["links"]
    assert names(search_enterprises(link=links["module"].id, q="光伏科技")) == [
        "北京ABC光伏科技有限公司"
    ]


@pytest.mark.django_db
def test_short_terms_without_letters_are_matched_without_upper_casing(pool):
    """PostgreSQL scans for 1-2 characters: Chinese skips UPPER(), Latin letters keep it."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    chinese = str(search_enterprises(q="百货").query)
    latin = str(search_enterprises(q="bc").query)
    assert "UPPER" not in chinese.split("ORDER BY")[0] and "UPPER" in latin
    assert names(search_enterprises(q="百货")) == ["木垒天顺商贸有限公司"]
    assert names(search_enterprises(q="伏能")) == ["北京ABC光伏科技有限公司"]
    assert names(search_enterprises(q="bc")) == ["北京ABC光伏科技有限公司"]
