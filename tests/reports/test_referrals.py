"""以商招商: who brought whom, with commitments, and each referrer's count and amount.

By hand: 特变电工 (链主) brought A (10亿, signed) and B (5亿, signed) → 2 projects, 15亿;
某商会 (中介) brought C (3亿, signed) → 1, 3亿; D (lead, not signed) brought by 某商会 does not
count. Under the 境外-only scope none of them count.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainvest.projects.models import Referral
from chainvest.projects.services import record_referral
from chainvest.reports.kpis import Scope, referrer_figures
from chainvest.reports.models import CountingRule
from tests.web import factories as f
from tests.web.factories import D

AS_OF = D(2023, 12, 31)


@pytest.fixture
def world(cast, changji):
    officer, county = cast["qitai"], changji["qitai"]

    def make(name, agreed, signed):
        return f.project(
            officer, county, name, agreed=agreed, signed=signed, investor_origin="domestic"
        )

    a, b = make("A项目", "10亿元", D(2023, 3, 1)), make("B项目", "5亿元", D(2023, 8, 1))
    c, d = make("C项目", "3亿元", D(2023, 9, 1)), make("D项目", "8亿元", None)
    record_referral(
        officer, a, "chain_leader", "特变电工", supplies=True, commitments="配套供应硅料"
    )
    record_referral(officer, b, "chain_leader", "特变电工", offtake=True)
    record_referral(officer, c, "intermediary", "某商会")
    record_referral(officer, d, "intermediary", "某商会")
    return {"a": a, "officer": officer}


def test_each_referrer_counts_the_signed_projects_they_brought(world):
    rows = referrer_figures(Scope(), AS_OF, CountingRule())
    got = [(r.name, r.kind, r.count, r.investment.min_wan) for r in rows]
    assert got == [
        ("特变电工", "链主企业", 2, Decimal(150_000)),
        ("某商会", "中介机构/商协会", 1, Decimal(30_000)),
    ]


def test_referrals_follow_the_counting_rule_and_the_date(world):
    assert referrer_figures(Scope(), AS_OF, CountingRule(investor_scope="overseas")) == []
    rows = referrer_figures(Scope(), D(2023, 6, 30), CountingRule())
    assert [(r.name, r.count) for r in rows] == [("特变电工", 1)]


def test_recording_again_corrects_the_referral(world):
    record_referral(world["officer"], world["a"], "local", "本地某企业", offtake=True)
    item = Referral.objects.get(project=world["a"])
    assert (item.kind, item.referrer_name, item.supplies, item.offtake) == (
        "local", "本地某企业", False, True,
    )  # fmt: skip
    assert item.history.count() == 2


def test_bad_referral_names_the_field(world):
    for args, field in [(("martian", "某人"), "kind"), (("local", "  "), "referrer_name")]:
        with pytest.raises(ValidationError) as exc:
            record_referral(world["officer"], world["a"], *args)
        assert field in exc.value.message_dict
    assert Referral.objects.get(project=world["a"]).referrer_name == "特变电工"


def test_only_the_projects_officer_records_referrals(world, cast):
    for who in ["mulei", "leader"]:
        with pytest.raises(PermissionDenied):
            record_referral(cast[who], world["a"], "local", "某企业")
