"""The signing registry: a project counts once, at its first signing; re-signings are flagged,
upgrades count only their increment; the same investor in the same park warns before saving."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainvest.projects.duplicates import possible_duplicates, similar_names
from chainvest.projects.models import Project, Signing
from chainvest.projects.services import (
    DuplicateWarning,
    create_project,
    record_signing,
    update_project,
)
from chainvest.regions.models import Park
from chainvest.reports.kpis import Scope, kpi_figures
from chainvest.reports.models import CountingRule
from tests.web import factories as f
from tests.web.factories import D

YI = Decimal(10_000)
AS_OF = D(2023, 12, 31)
USCC = "91110108551385082Q"
OTHER_USCC = "914403001922038216"


@pytest.fixture
def events(db):
    return {
        "e1": f.event("第一场推介会", D(2023, 3, 10)),
        "e3": f.event("第三场推介会", D(2023, 6, 16)),
        "e4": f.event("第四场推介会", D(2023, 8, 18)),
    }


@pytest.fixture
def lead(cast, changji):
    return f.project(cast["qitai"], changji["qitai"], "奇台风电装备项目", agreed="")


def figures(rule=None, **scope):
    return kpi_figures(Scope(**scope), AS_OF, rule or CountingRule())


def test_first_signing_moves_the_project_to_signed_and_counts(cast, lead, events):
    signing = record_signing(
        cast["qitai"], lead, D(2023, 3, 10), events["e1"], amount_text="10亿元"
    )
    lead.refresh_from_db()
    assert signing.kind == "first" and signing.increment.min_wan == 10 * YI
    assert (lead.stage, lead.signed_date, lead.event_id) == (
        "signed",
        D(2023, 3, 10),
        events["e1"].pk,
    )
    assert lead.agreed.min_wan == 10 * YI
    assert figures(event_id=events["e1"].pk)["signed"].numerator == 1


def test_resigning_at_another_event_is_flagged_and_counts_nothing(cast, lead, events):
    """E1 signs it (10亿); E4 signs it again (10亿): E1 = 1 project 10亿, E4 = 0 projects 0亿,
    the year = 1 project 10亿, and E4's drill-down shows the re-signing as not counted."""
    record_signing(cast["qitai"], lead, D(2023, 3, 10), events["e1"], amount_text="10亿元")
    again = record_signing(cast["qitai"], lead, D(2023, 8, 18), events["e4"])
    assert again.kind == "resign" and again.increment.min_wan == 0
    e4 = figures(event_id=events["e4"].pk)
    assert e4["signed"].numerator == 0 and e4["investment"].money.min_wan == 0
    flagged = [r for r in e4["signed"].rows if not r.counted]
    assert (
        len(flagged) == 1 and "重复签约" in flagged[0].detail and "不重复计入" in flagged[0].detail
    )
    year = figures(year=2023)
    assert year["signed"].numerator == 1 and year["investment"].money.min_wan == 10 * YI


def test_upgrade_counts_only_the_increment(cast, lead, events):
    """10亿 at E1, upgraded to 15亿 at E4: E1 10亿, E4 0 projects but 5亿, the year 15亿."""
    record_signing(cast["qitai"], lead, D(2023, 3, 10), events["e1"], amount_text="10亿元")
    up = record_signing(cast["qitai"], lead, D(2023, 8, 18), events["e4"], amount_text="15亿元")
    lead.refresh_from_db()
    assert up.kind == "upgrade" and up.increment.min_wan == 5 * YI
    assert lead.agreed.min_wan == 15 * YI
    e1, e4, year = (
        figures(event_id=events["e1"].pk),
        figures(event_id=events["e4"].pk),
        figures(year=2023),
    )
    assert (e1["signed"].numerator, e1["investment"].money.min_wan) == (1, 10 * YI)
    assert (e4["signed"].numerator, e4["investment"].money.min_wan) == (0, 5 * YI)
    assert (year["signed"].numerator, year["investment"].money.min_wan) == (1, 15 * YI)
    assert any("只计增加部分" in r.detail for r in e4["signed"].rows)


def test_protocol_then_contract_is_an_upgrade_and_the_contract_basis_counts_it_then(
    cast, lead, events
):
    """Protocol 10亿 at E1, contract 12亿 at E4 (+2亿).

    Protocol basis: counted at E1 (03-10); the year's investment 10+2 = 12亿.
    Contract basis: counted at E4 (08-18) with the contract's whole 12亿; E1 counts nothing.
    As of 06-30 under the contract basis it is not yet signed at all.
    """
    record_signing(cast["qitai"], lead, D(2023, 3, 10), events["e1"], amount_text="10亿元")
    contract = record_signing(
        cast["qitai"], lead, D(2023, 8, 18), events["e4"], "contract", "12亿元"
    )
    assert contract.kind == "upgrade" and contract.increment.min_wan == 2 * YI
    protocol_year = figures(year=2023)
    assert protocol_year["investment"].money.min_wan == 12 * YI
    strict = CountingRule(signing_basis="contract")
    assert figures(strict, event_id=events["e1"].pk)["signed"].numerator == 0
    e4 = figures(strict, event_id=events["e4"].pk)
    assert (e4["signed"].numerator, e4["investment"].money.min_wan) == (1, 12 * YI)
    mid_year = kpi_figures(Scope(), D(2023, 6, 30), strict)
    assert mid_year["signed"].numerator == 0
    assert any("正式合同" in r.detail for r in mid_year["signed"].rows)


def test_signing_the_same_contract_again_is_a_resigning(cast, lead, events):
    record_signing(cast["qitai"], lead, D(2023, 3, 10), events["e1"], "contract", "10亿元")
    again = record_signing(cast["qitai"], lead, D(2023, 8, 18), events["e4"], "protocol")
    assert again.kind == "resign"


def test_a_project_signed_through_its_stages_enters_the_registry_when_signed_again(
    cast, changji, events
):
    item = f.project(
        cast["qitai"], changji["qitai"], "已签约项目", agreed="5亿元",
        signed=D(2023, 3, 10), event_id=events["e1"].id,
    )  # fmt: skip
    assert not item.signings.exists()
    record_signing(cast["qitai"], item, D(2023, 6, 16), events["e3"])
    kinds = list(item.signings.values_list("kind", "event_id"))
    assert kinds == [("first", events["e1"].pk), ("resign", events["e3"].pk)]
    assert figures(year=2023)["signed"].numerator == 1


def test_same_event_twice_is_refused_and_changes_nothing(cast, lead, events):
    record_signing(cast["qitai"], lead, D(2023, 3, 10), events["e1"], amount_text="10亿元")
    with pytest.raises(ValidationError) as exc:
        record_signing(cast["qitai"], lead, D(2023, 3, 10), events["e1"])
    assert "event" in exc.value.message_dict
    assert Signing.objects.count() == 1


def test_bad_signing_input_names_the_field(cast, lead, events):
    record_signing(cast["qitai"], lead, D(2023, 6, 16), events["e3"], amount_text="10亿元")
    cases = [
        ({"date": D(2023, 3, 10), "event": events["e1"]}, "date"),  # before the first signing
        ({"date": D(2099, 1, 1)}, "date"),
        ({"date": D(2023, 8, 18), "amount_text": "很多钱"}, "amount"),
        ({"date": D(2023, 8, 18), "document": "napkin"}, "document"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            record_signing(cast["qitai"], lead, **kwargs)
        assert field in exc.value.message_dict, kwargs
    assert Signing.objects.count() == 1


def test_only_the_projects_officer_registers_signings(cast, lead, events):
    for who in ["mulei", "leader", "analyst"]:
        with pytest.raises(PermissionDenied):
            record_signing(cast[who], lead, D(2023, 3, 10), events["e1"])
    assert not Signing.objects.exists()


# --- duplicates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("奇台风电装备项目", "奇台风电装备", True),  # “项目” is filler
        ("奇台风电装备（一期）项目", "奇台风电装备(一期)项目", True),  # bracket widths
        ("奇台风电装备产业园项目", "奇台风电装备产业园建设项目", True),
        ("奇台风电装备项目", "木垒光伏组件项目", False),
        ("禾元生物GMP工厂", "禾元种植基地", False),
    ],
)
def test_similar_names(a, b, similar):
    assert similar_names(a, b) is similar


@pytest.fixture
def park(changji):
    return Park.objects.create(
        code="qitai-lamahu", name="喇嘛湖梁工业园", short_name="喇嘛湖梁", level="other",
        region=changji["qitai"],
    )  # fmt: skip


def _data(changji, park, name, uscc=USCC):
    return {
        "name": name,
        "county_id": changji["qitai"].pk,
        "park_id": park.pk if park else None,
        "investor_uscc": uscc,
    }


def test_same_investor_same_park_similar_name_warns_before_saving(cast, changji, park):
    first = create_project(cast["qitai"], _data(changji, park, "奇台风电装备产业园项目"))
    with pytest.raises(DuplicateWarning) as exc:
        create_project(cast["qitai"], _data(changji, park, "奇台风电装备产业园建设项目"))
    assert "confirm_duplicate" in exc.value.message_dict
    assert first.name in exc.value.message_dict["confirm_duplicate"][0]
    assert Project.objects.count() == 1
    create_project(
        cast["qitai"], _data(changji, park, "奇台风电装备产业园建设项目"), confirm_duplicate=True
    )
    assert Project.objects.count() == 2


def test_no_warning_for_another_investor_another_park_or_another_name(cast, changji, park):
    create_project(cast["qitai"], _data(changji, park, "奇台风电装备产业园项目"))
    create_project(cast["qitai"], _data(changji, park, "奇台风电装备产业园", OTHER_USCC))
    create_project(cast["qitai"], _data(changji, None, "奇台风电装备产业园项目"))
    create_project(cast["qitai"], _data(changji, park, "奇台绿氢制备项目"))
    assert Project.objects.count() == 4


def test_renaming_into_a_duplicate_warns_too(cast, changji, park):
    create_project(cast["qitai"], _data(changji, park, "奇台风电装备产业园项目"))
    other = create_project(cast["qitai"], _data(changji, park, "奇台绿氢制备项目"))
    with pytest.raises(DuplicateWarning):
        update_project(cast["qitai"], other, {"name": "奇台风电装备产业园"})
    other.refresh_from_db()
    assert other.name == "奇台绿氢制备项目"
    assert possible_duplicates(other) == []


def test_a_bad_investor_uscc_is_a_field_error(cast, changji, park):
    with pytest.raises(ValidationError) as exc:
        create_project(cast["qitai"], _data(changji, park, "坏代码项目", "91110108551385082X"))
    assert "investor_uscc" in exc.value.message_dict
    assert not Project.objects.exists()
