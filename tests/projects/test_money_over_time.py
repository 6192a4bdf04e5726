"""Funds arrived, fixed assets completed and jobs created, month by month, against the agreement."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainvest.projects.models import ProjectMonth
from chainvest.projects.queries import realisation
from chainvest.projects.services import record_month, update_project
from tests.web import factories as f
from tests.web.factories import D


@pytest.fixture
def project(cast, changji):
    item = f.project(
        cast["qitai"], changji["qitai"], "奇台项目", agreed="10亿元", signed=D(2023, 3, 1)
    )
    update_project(cast["qitai"], item, {"fixed_asset_wan": Decimal(80_000)})
    item.refresh_from_db()
    return item


def test_running_totals_against_the_agreement(cast, project):
    """Months: 05 funds 2亿 fixed 1亿 jobs 30; 07 funds 1亿 fixed 3亿 jobs 20.

    Totals: funds 3亿 of 10亿 agreed = 30%; fixed 4亿 of 8亿 planned = 50%; jobs 50.
    As of 06-30 only May counts: funds 2亿 = 20%.
    """
    officer = cast["qitai"]
    record_month(officer, project, D(2023, 5, 1), Decimal(20_000), Decimal(10_000), 30)
    record_month(officer, project, D(2023, 7, 15), Decimal(10_000), Decimal(30_000), 20)
    got = realisation(project)
    assert [m.month for m in got.months] == [D(2023, 5, 1), D(2023, 7, 1)]
    assert [m.funds_total_wan for m in got.months] == [Decimal(20_000), Decimal(30_000)]
    assert (got.funds_wan, got.funds_pct) == (Decimal(30_000), 30.0)
    assert (got.fixed_asset_done_wan, got.fixed_asset_pct) == (Decimal(40_000), 50.0)
    assert got.jobs == 50
    assert realisation(project, D(2023, 6, 30)).funds_pct == 20.0


def test_entering_a_month_again_corrects_it_and_keeps_history(cast, project):
    record_month(cast["qitai"], project, D(2023, 5, 1), Decimal(20_000))
    record_month(cast["qitai"], project, D(2023, 5, 1), Decimal(25_000), note="更正")
    row = ProjectMonth.objects.get()
    assert row.funds_arrived_wan == Decimal(25_000)
    assert row.history.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"month": D(2099, 1, 1)}, "month"),
        ({"funds_arrived_wan": Decimal(-1)}, "funds_arrived_wan"),
        ({"fixed_asset_done_wan": Decimal(-1)}, "fixed_asset_done_wan"),
        ({"jobs_created": -3}, "jobs_created"),
    ],
)
def test_bad_month_input_names_the_field(cast, project, kwargs, field):
    args = {"month": D(2023, 5, 1), **kwargs}
    with pytest.raises(ValidationError) as exc:
        record_month(cast["qitai"], project, **args)
    assert field in exc.value.message_dict
    assert not ProjectMonth.objects.exists()


def test_only_the_projects_officer_enters_months(cast, project):
    for who in ["mulei", "leader", "analyst"]:
        with pytest.raises(PermissionDenied):
            record_month(cast[who], project, D(2023, 5, 1), Decimal(1))
    assert not ProjectMonth.objects.exists()


def test_no_months_no_percentages_without_a_base(cast, changji):
    item = f.project(cast["qitai"], changji["qitai"], "无金额项目", agreed="", signed=D(2023, 3, 1))
    got = realisation(item)
    assert (got.funds_wan, got.funds_pct, got.fixed_asset_pct, got.jobs) == (0, None, None, 0)
