"""Monthly snapshots: one per chain and month, rebuilt not duplicated, and the gap-fill history."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chainvest.chains.models import ChainSnapshot, LinkSnapshot
from chainvest.chains.snapshots import gap_fills, month_as_of, parse_month, take_snapshots
from tests.chains.conftest import D, make_enterprise
from tests.web import factories as f


@pytest.fixture
def history(shop, cast):
    """parts: missing in January; a project signed 10 Feb targets it (filling in February);
    a local parts maker established 5 Mar lands (filling, since 1 enterprise is weak and the
    project still targets it, but no longer empty) — March. Snapshots for Jan, Feb, Mar 2024."""
    project = f.project(
        cast["admin"],
        shop.local,
        "零部件项目",
        signed=D(2024, 2, 10),
        chain_id=shop.chain.id,
        link_id=shop.links["parts"].id,
    )
    make_enterprise(
        "零部件项目公司", shop.local, 8000, shop.links["parts"], established_date=D(2024, 3, 5)
    )
    for month in ("2024-01", "2024-02", "2024-03"):
        take_snapshots(parse_month(month))
    return project


def _status(shop, code: str, month: str) -> str:
    return LinkSnapshot.objects.get(
        link=shop.links[code], snapshot__month=parse_month(month)
    ).status


def test_each_month_stores_the_diagnosis_as_it_stood(shop, history):
    assert [_status(shop, "parts", m) for m in ("2024-01", "2024-02", "2024-03")] == [
        "missing",
        "filling",
        "filling",
    ]
    march = ChainSnapshot.objects.get(chain=shop.chain, month=D(2024, 3, 1))
    assert march.as_of == D(2024, 3, 31)
    # March: parts is present now: weights (3 + 2 + 3) / 10.
    assert march.completeness == pytest.approx(0.8)
    parts = march.links.get(link=shop.links["parts"])
    assert (parts.local_count, parts.project_ids) == (1, [history.id])


def test_gap_fills_say_which_project_filled_which_gap_and_when(shop, history):
    """February: targeted by the project signed 10 Feb. March: the parts maker landed, while the
    project still aims at the link (1 enterprise is below the bar: weak, so still filling)."""
    fills = gap_fills(shop.chain)
    assert [(x.link_name, x.month, x.from_status, x.to_status, x.landed) for x in fills] == [
        ("parts", D(2024, 2, 1), "missing", "filling", False),
        ("parts", D(2024, 3, 1), "filling", "filling", True),
    ]
    for fill in fills:
        assert [(p["name"], p["signed_date"]) for p in fill.projects] == [
            ("零部件项目", D(2024, 2, 10))
        ]
    assert gap_fills(shop.chain, region="652325") == []  # no snapshots for Qitai


def test_snapshot_is_idempotent_per_month(shop, history):
    before = list(
        LinkSnapshot.objects.order_by("snapshot__month", "link_id").values_list(
            "snapshot__month", "link_id", "status", "local_count", "project_ids"
        )
    )
    take_snapshots(parse_month("2024-02"))
    after = list(
        LinkSnapshot.objects.order_by("snapshot__month", "link_id").values_list(
            "snapshot__month", "link_id", "status", "local_count", "project_ids"
        )
    )
    assert after == before
    assert ChainSnapshot.objects.filter(chain=shop.chain).count() == 3


def test_command_writes_the_month_and_refuses_bad_input(shop):
    out = StringIO()
    call_command("snapshot-chains", "--month", "2024-01", stdout=out)
    assert "2024-01" in out.getvalue() and "环节 5 个" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("snapshot-chains", "--month", "2024/01")
    with pytest.raises(CommandError, match="尚未开始"):
        call_command("snapshot-chains", "--month", "2999-01")
    assert ChainSnapshot.objects.count() == 1


def test_the_current_month_is_counted_up_to_today():
    assert month_as_of(D(2024, 2, 1), today=D(2024, 2, 14)) == D(2024, 2, 14)
    assert month_as_of(D(2024, 2, 1), today=D(2024, 5, 1)) == D(2024, 2, 29)


def test_a_month_is_stored_in_a_fixed_number_of_queries(shop, django_assert_max_num_queries):
    take_snapshots(parse_month("2024-01"))
    with django_assert_max_num_queries(20):
        take_snapshots(parse_month("2024-01"))
    with django_assert_max_num_queries(20):
        take_snapshots(parse_month("2024-02"))
    assert ChainSnapshot.objects.count() == 2
    assert LinkSnapshot.objects.count() == 10
