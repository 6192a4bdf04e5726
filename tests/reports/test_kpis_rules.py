"""Every counting rule (统计口径) on four projects whose figures are worked out by hand.

The small world (all in 奇台县, amounts exact, dates in 2023):

    project event signed agreed origin   industry registered started producing funds
    A       E1    03-10  10亿   区外境内 装备制造 04-01      05-01   09-01     3亿(05) 2亿(10)
    B       E1    03-10   5亿   州内     房地产   06-01      -       -         1亿(07)
    C       E2    08-18  20亿   境外     新能源   -          -       -         - (终止 12-01)
    D       E2    08-18   5亿   区内州外 新能源   09-01      10-01   -         -

Fixed-asset investment: A 8亿, B 2亿, C none, D 5亿.
"""

import datetime as dt
from decimal import Decimal

import pytest

from chainvest.projects.services import record_month, transition_project, update_project
from chainvest.reports.kpis import Scope, counted_projects, kpi_figures
from chainvest.reports.models import CountingRule
from tests.web import factories as f
from tests.web.factories import D

YEAR_END = D(2023, 12, 31)
YI = Decimal(10_000)


def _advance(user, project, **dates):
    """Move a signed project forward through the stages named, with their dates."""
    for stage in ["registered", "construction", "production"]:
        if stage in dates:
            transition_project(user, project, stage, dates)


@pytest.fixture
def world(cast, changji):
    qitai, county = cast["qitai"], changji["qitai"]
    e1 = f.event("第一场推介会", D(2023, 3, 10))
    e2 = f.event("第四场推介会", D(2023, 8, 18))

    def make(name, agreed, event, origin, industry, fixed):
        item = f.project(
            qitai, county, name, agreed=agreed, signed=event.date, event_id=event.id,
            investor_origin=origin, industry=industry,
        )  # fmt: skip
        update_project(qitai, item, {"fixed_asset_wan": fixed})
        return item

    a = make("A项目", "10亿元", e1, "domestic", "装备制造", Decimal(80_000))
    b = make("B项目", "5亿元", e1, "local", "房地产", Decimal(20_000))
    c = make("C项目", "20亿元", e2, "overseas", "新能源", None)
    d = make("D项目", "5亿元", e2, "province", "新能源", Decimal(50_000))
    _advance(
        qitai, a, registered=D(2023, 4, 1), construction=D(2023, 5, 1), production=D(2023, 9, 1)
    )
    _advance(qitai, b, registered=D(2023, 6, 1))
    _advance(qitai, d, registered=D(2023, 9, 1), construction=D(2023, 10, 1))
    transition_project(qitai, c, "terminated", {"terminated": D(2023, 12, 1)}, reason="投资方撤资")
    record_month(qitai, a, D(2023, 5, 1), funds_arrived_wan=Decimal(30_000))
    record_month(qitai, a, D(2023, 10, 1), funds_arrived_wan=Decimal(20_000))
    record_month(qitai, b, D(2023, 7, 1), funds_arrived_wan=Decimal(10_000))
    return {"a": a, "b": b, "c": c, "d": d, "e1": e1, "e2": e2, "user": qitai}


def figures(rule=None, as_of=YEAR_END, **scope):
    return kpi_figures(Scope(**scope), as_of, rule or CountingRule())


def names(figure, counted=True):
    return sorted(r.project.name[0] for r in figure.rows if r.counted is counted)


def test_default_rule_at_year_end(world):
    """Signed A B C D = 4, investment 10+5+20+5 = 40亿.

    履约 (not terminated): A B D = 3/4 = 75%;  开工: A D = 50%;  投产: A = 25%;
    落地 (registered): A B D = 75%;  资金到位: (3+2+1)亿 ÷ 40亿 = 15%.
    """
    got = figures(year=2023)
    assert got["signed"].numerator == 4
    assert got["investment"].money.min_wan == got["investment"].money.max_wan == 40 * YI
    assert got["investment"].display == "40亿元"
    assert (got["fulfilment"].value, names(got["fulfilment"])) == (75.0, ["A", "B", "D"])
    assert (got["start"].value, names(got["start"])) == (50.0, ["A", "D"])
    assert (got["production"].value, names(got["production"])) == (25.0, ["A"])
    assert (got["landing"].value, names(got["landing"])) == (75.0, ["A", "B", "D"])
    assert got["funds"].numerator == 6 * YI and got["funds"].denominator == 40 * YI
    assert got["funds"].value == 15.0


def test_figures_as_of_mid_year_ignore_what_happened_later(world):
    """As of 06-30 only A and B are signed (15亿); A started 05-01, B registered 06-01.

    履约 2/2 = 100%; 开工 1/2 = 50%; 投产 0/2 = 0%; 落地 2/2 = 100%;
    资金到位: only A's May 3亿 has arrived → 3 ÷ 15 = 20%.
    """
    got = figures(as_of=D(2023, 6, 30))
    assert got["signed"].numerator == 2
    assert got["investment"].money.min_wan == 15 * YI
    assert [got[k].value for k in ["fulfilment", "start", "production", "landing", "funds"]] == [
        100.0,
        50.0,
        0.0,
        100.0,
        20.0,
    ]


@pytest.mark.parametrize(
    ("scope", "expected", "investment_yi"),
    [
        ("all", ["A", "B", "C", "D"], 40),
        ("outside_prefecture", ["A", "C", "D"], 35),  # 州外: drops B (州内)
        ("outside_province", ["A", "C"], 30),  # 区外/省外: drops B and D (区内州外)
        ("overseas", ["C"], 20),  # 境外
    ],
)
def test_investor_scope_keeps_only_investors_from_outside(world, scope, expected, investment_yi):
    """Origins: A 区外境内, B 州内, C 境外, D 区内州外; amounts 10/5/20/5亿."""
    got = figures(CountingRule(investor_scope=scope))
    assert names(got["signed"]) == expected
    assert got["investment"].money.min_wan == investment_yi * YI


def test_a_restricted_scope_leaves_out_projects_of_unknown_origin(world):
    update_project(world["user"], world["a"], {"investor_origin": ""})
    got = figures(CountingRule(investor_scope="outside_province"))
    assert names(got["signed"]) == ["C"]
    left_out = [r for r in got["signed"].rows if not r.counted and r.project.name == "A项目"]
    assert "未填报" in left_out[0].detail


def test_excluding_a_sector_drops_its_projects_and_says_why(world):
    """Without 房地产 (B, 5亿): A C D, 35亿; 开工 A D = 2/3 = 66.7%."""
    got = figures(CountingRule(excluded_industries=["房地产"]))
    assert names(got["signed"]) == ["A", "C", "D"]
    assert got["investment"].money.min_wan == 35 * YI
    assert got["start"].value == 66.7
    assert any("房地产" in r.detail for r in got["signed"].rows if not r.counted)
    assert "不含房地产" in got["signed"].definition


def test_investment_threshold_counts_only_large_projects(world):
    """亿元 threshold 10亿: A (10亿) and C (20亿) count, B and D (5亿) do not."""
    got = figures(CountingRule(min_investment_wan=10 * YI))
    assert names(got["signed"]) == ["A", "C"]
    assert got["investment"].money.min_wan == 30 * YI


@pytest.mark.parametrize(
    ("basis", "expected", "rate"),
    [
        ("active", ["A", "B", "D"], 75.0),  # C terminated
        ("registered", ["A", "B", "D"], 75.0),
        ("construction", ["A", "D"], 50.0),
        ("funds", ["A", "B"], 50.0),  # only A and B have funds arrived
    ],
)
def test_fulfilment_follows_its_basis(world, basis, expected, rate):
    got = figures(CountingRule(fulfilment_basis=basis))
    assert (names(got["fulfilment"]), got["fulfilment"].value) == (expected, rate)
    assert CountingRule(fulfilment_basis=basis).get_fulfilment_basis_display() in (
        got["fulfilment"].definition
    )


def test_landing_on_construction_basis(world):
    """落地 = started: A D = 2/4 = 50%."""
    got = figures(CountingRule(landing_basis="construction"))
    assert (names(got["landing"]), got["landing"].value) == (["A", "D"], 50.0)


def test_funds_rate_on_fixed_asset_base(world):
    """Arrived 6亿 ÷ fixed assets 8+2+0+5 = 15亿 → 40%."""
    got = figures(CountingRule(funds_base="fixed_asset"))
    assert got["funds"].denominator == 15 * YI
    assert got["funds"].value == 40.0


def test_terminated_after_the_as_of_date_still_fulfils_then(world):
    """C ends 12-01: as of 11-30 all four are 履约 (4/4); at year end 3/4."""
    assert figures(as_of=D(2023, 11, 30))["fulfilment"].value == 100.0
    assert figures()["fulfilment"].value == 75.0


def test_scope_by_event_county_and_year(world, changji):
    """E1: A B (15亿); E2: C D (25亿); 木垒: none; 2024: none."""
    e1 = figures(event_id=world["e1"].pk)
    e2 = figures(event_id=world["e2"].pk)
    assert (names(e1["signed"]), e1["investment"].money.min_wan) == (["A", "B"], 15 * YI)
    assert (names(e2["signed"]), e2["investment"].money.min_wan) == (["C", "D"], 25 * YI)
    assert figures(county_id=changji["mulei"].pk)["signed"].numerator == 0
    assert figures(year=2024)["signed"].numerator == 0
    assert figures(year=2024)["start"].value is None  # nothing to divide by: shown as “-”
    assert figures(year=2024)["start"].display == "-"


def test_open_ended_amounts_stay_open_ended_in_the_total(world, cast, changji):
    """A “百亿元以上” signing makes the total “超过140亿元”, not an invented exact figure."""
    f.project(cast["qitai"], changji["qitai"], "E项目", agreed="百亿元以上", signed=D(2023, 9, 9))
    money = figures()["investment"].money
    assert money.min_wan == 140 * YI and money.max_wan is None
    assert money.text == "超过140亿元"


def test_archived_projects_do_not_count(world):
    world["b"].archived = True
    world["b"].save()
    counted, _ = counted_projects(CountingRule(), YEAR_END)
    assert sorted(c.project.name for c in counted) == ["A项目", "C项目", "D项目"]


def test_every_figure_carries_its_definition(world):
    got = figures()
    assert "同一项目只在首次签约时计入一次" in got["signed"].definition
    for key in ["fulfilment", "start", "production", "landing", "funds"]:
        assert got[key].definition.startswith(f"{got[key].label} = "), key


def test_saved_rule_is_the_one_used_by_default(world, cast):
    from chainvest.reports.services import update_counting_rule

    update_counting_rule(cast["analyst"], {"investor_scope": "overseas"})
    assert kpi_figures(as_of=YEAR_END)["signed"].numerator == 1
    assert CountingRule.history.count() == 1


def test_today_is_the_default_as_of_date(world):
    assert kpi_figures()["signed"].numerator == 4
    assert dt.date.today() > YEAR_END


def test_officers_and_leaders_cannot_change_the_rule(cast):
    from django.core.exceptions import PermissionDenied

    from chainvest.reports.services import update_counting_rule

    for who in ["qitai", "leader"]:
        with pytest.raises(PermissionDenied):
            update_counting_rule(cast[who], {"investor_scope": "overseas"})
    assert not CountingRule.objects.exists()


def test_bad_rule_input_names_the_field_and_changes_nothing(cast):
    from django.core.exceptions import ValidationError

    from chainvest.reports.services import update_counting_rule

    for data, field in [
        ({"evidence_stages": ["flying"]}, "evidence_stages"),
        ({"min_investment_wan": Decimal(-1)}, "min_investment_wan"),
        ({"investor_scope": "mars"}, "investor_scope"),
    ]:
        with pytest.raises(ValidationError) as exc:
            update_counting_rule(cast["analyst"], data)
        assert field in exc.value.message_dict
    assert not CountingRule.objects.exists()
