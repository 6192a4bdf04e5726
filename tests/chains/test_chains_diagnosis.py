"""chains.diagnosis: the hand-built chain of conftest.py diagnosed from database records."""

from decimal import Decimal

import pytest

from chainvest.chains.diagnosis import diagnose_all, diagnose_chain, local_enterprises
from chainvest.chains.models import Chain, Cluster, Link
from chainvest.projects.services import transition_project
from tests.chains.conftest import D, make_enterprise
from tests.web import factories as f


def _by_code(diagnosis):
    return {link.code: link for link in diagnosis.links}


def _project(cast, shop, name, link, signed=None, started=None):
    return f.project(
        cast["admin"],
        shop.local,
        name,
        signed=signed,
        started=started,
        chain_id=shop.chain.id,
        link_id=shop.links[link].id,
    )


def test_statuses_counts_and_lq_from_records(shop, cast):
    """Totals: 10 local, 50 in the pool (archived and merged enterprises are not counted).

    smelting: 3 local, 12000 万元, LQ (3/10)/(5/50) = 0.3/0.1 = 3.0 → strong.
    assembly: 1 local (< 3), LQ (1/10)/(4/50) = 1.25, 1 leader → weak, 强链.
    parts: the archived local one does not count → 0 local; a signed project aims at it →
      filling; smelting upstream and assembly downstream are present → 补链; LQ 0/… = 0.0.
    ore: the merged local one does not count → missing; nothing upstream → 延链.
    service: nobody; its only project was terminated → missing; nothing downstream → 延链.
    """
    _project(cast, shop, "零部件项目", "parts", signed=D(2024, 2, 10))
    ended = _project(cast, shop, "服务项目", "service", signed=D(2024, 2, 1))
    transition_project(cast["admin"], ended, "terminated", {"terminated": D(2024, 3, 1)}, "撤资")

    links = _by_code(diagnose_chain(shop.chain, "652300"))

    got = {code: (link.status, link.action) for code, link in links.items()}
    assert got == {
        "ore": ("missing", "延链"),
        "smelting": ("strong", ""),
        "parts": ("filling", "补链"),
        "assembly": ("weak", "强链"),
        "service": ("missing", "延链"),
    }
    smelting, assembly, parts = links["smelting"], links["assembly"], links["parts"]
    assert (smelting.local_count, smelting.local_capital_wan) == (3, 12000.0)
    assert smelting.location_quotient == pytest.approx(3.0)
    assert assembly.location_quotient == pytest.approx(1.25)
    assert (assembly.leader_count, smelting.leader_count) == (1, 0)
    assert (parts.local_count, parts.location_quotient, parts.pipeline_signed) == (0, 0.0, 1)
    assert links["service"].pipeline_signed == links["service"].pipeline_building == 0
    assert smelting.feeds == sorted([shop.links["parts"].id, shop.links["assembly"].id])


def test_chain_figures_completeness_matching_rate_chiefs_leaders(shop):
    """Completeness: weights 1+3+2+3+1 = 10, present smelting (3) and assembly (3) → 0.6.

    The leader sits on assembly, whose inputs are smelting (present) and parts (not) → 1/2.
    """
    diagnosis = diagnose_chain(shop.chain)
    assert diagnosis.completeness == pytest.approx(0.6)
    assert diagnosis.matching_rate == pytest.approx(0.5)
    assert diagnosis.chiefs == ["张三（州人民政府副州长）"]
    assert diagnosis.leaders == ["本地总装链主"]
    assert diagnosis.action == ""  # 60% is far from "little here"
    assert diagnosis.thresholds["strong_min_enterprises"] == 3


def test_thresholds_edited_on_the_chain_change_the_verdict(shop):
    """With bars of 1 enterprise and 2000 万元, assembly (1 local, 2000 万元, LQ 1.25) is strong.
    Raising the LQ bar to 3.5 then makes smelting (LQ 3.0) and assembly (1.25) weak again."""
    chains = Chain.objects.filter(pk=shop.chain.pk)
    chains.update(strong_min_enterprises=1, strong_min_capital_wan=Decimal("2000"))
    links = _by_code(diagnose_chain(shop.chain.pk))
    assert (links["assembly"].status, links["smelting"].status) == ("strong", "strong")
    chains.update(strong_min_lq=3.5)
    links = _by_code(diagnose_chain(shop.chain.pk))
    assert (links["assembly"].status, links["smelting"].status) == ("weak", "weak")
    assert any("区位商 3.00，低于门槛 3.50" in r for r in links["smelting"].reasons)


def test_a_project_under_construction_counts_as_building(shop, cast):
    _project(cast, shop, "在建项目", "ore", signed=D(2024, 1, 5), started=D(2024, 2, 1))
    ore = _by_code(diagnose_chain(shop.chain))["ore"]
    assert (ore.status, ore.pipeline_signed, ore.pipeline_building) == ("filling", 0, 1)
    assert any("在建项目" in r for r in ore.reasons)


def test_as_of_leaves_out_later_projects_and_enterprises(shop, cast):
    _project(cast, shop, "零部件项目", "parts", signed=D(2024, 2, 10))
    make_enterprise(
        "新设零件厂", shop.local, 100, shop.links["parts"], established_date=D(2024, 5, 1)
    )
    before = _by_code(diagnose_chain(shop.chain, as_of=D(2024, 1, 31)))["parts"]
    between = _by_code(diagnose_chain(shop.chain, as_of=D(2024, 3, 31)))["parts"]
    after = _by_code(diagnose_chain(shop.chain, as_of=D(2024, 6, 30)))["parts"]
    assert [before.status, between.status, after.status] == ["missing", "filling", "filling"]
    assert (between.local_count, after.local_count) == (0, 1)  # weak and targeted: filling


def test_a_lead_that_is_not_signed_does_not_fill_a_gap(shop, cast):
    _project(cast, shop, "意向项目", "parts")
    assert _by_code(diagnose_chain(shop.chain))["parts"].status == "missing"


def test_region_of_a_county_sees_only_its_own_enterprises(shop):
    """Qitai (652325) has no enterprise in the pool: nothing is present, LQ cannot be measured."""
    links = _by_code(diagnose_chain(shop.chain, "652325"))
    assert {link.status for link in links.values()} == {"missing"}
    assert {link.location_quotient for link in links.values()} == {None}


def test_diagnose_chain_runs_a_fixed_number_of_queries(shop, cast, django_assert_max_num_queries):
    _project(cast, shop, "零部件项目", "parts", signed=D(2024, 2, 10))
    with django_assert_max_num_queries(11):
        diagnose_chain(shop.chain)


def test_diagnose_all_queries_do_not_grow_with_chains(shop, django_assert_max_num_queries):
    cluster = Cluster.objects.create(code="more", name="更多")
    for i in range(5):
        other = Chain.objects.create(code=f"c{i}", name=f"链{i}", cluster=cluster)
        a = Link.objects.create(chain=other, code="a", name="a", stage="upstream")
        a.feeds.add(Link.objects.create(chain=other, code="b", name="b", stage="downstream"))
    with django_assert_max_num_queries(12):
        diagnoses = diagnose_all()
    assert len(diagnoses) == 6
    assert {d.code: d.completeness for d in diagnoses}["c0"] == 0.0


def test_local_enterprises_of_a_link_leave_out_archived_and_elsewhere(shop):
    names = [e.name for e in local_enterprises(shop.links["smelting"])]
    assert names == ["本地冶炼0", "本地冶炼1", "本地冶炼2"]
    assert not local_enterprises(shop.links["parts"]).exists()


def test_pool_totals_are_read_on_every_diagnosis_by_default(shop):
    """POOL_FACTS_SECONDS = 0: a new local enterprise moves the LQ at once (3/11 ÷ 5/51)."""
    before = _by_code(diagnose_chain(shop.chain, "652300"))["smelting"].location_quotient
    make_enterprise("新增本地企业", shop.local)
    after = _by_code(diagnose_chain(shop.chain, "652300"))["smelting"].location_quotient
    assert before == pytest.approx(3.0)
    assert after == pytest.approx((3 / 11) / (5 / 51))


def test_kept_pool_totals_serve_the_next_diagnosis_with_the_same_verdicts(shop, settings):
    """POOL_FACTS_SECONDS > 0: the second page skips the 3 pool-wide reads, judges the same."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    settings.POOL_FACTS_SECONDS = 60
    with CaptureQueriesContext(connection) as first_reads:
        first = diagnose_chain(shop.chain, "652300")
    with CaptureQueriesContext(connection) as second_reads:
        second = diagnose_chain(shop.chain, "652300")
    assert len(second_reads) == len(first_reads) - 3
    assert second.links == first.links and second.completeness == first.completeness
    # Another region or date is another entry: Qitai still sees its empty pool.
    qitai = _by_code(diagnose_chain(shop.chain, "652325"))
    assert {link.location_quotient for link in qitai.values()} == {None}
    cache.clear()
