"""The demo shows a link in every status, and each follows from the demo's records."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from chainvest.chains.diagnosis import diagnose_all, diagnose_chain
from chainvest.chains.models import Chain, ChainSnapshot
from chainvest.chains.snapshots import gap_fills
from chainvest.enterprises.models import EnterpriseLink
from chainvest.projects.models import Project


@pytest.fixture
def demo_placed(db):
    """What `chainvest demo` does: reference data, demo records, automatic placement on links."""
    call_command("demo", stdout=StringIO())


def _wind():
    return {link.code: link for link in diagnose_chain(Chain.objects.get(code="wind-power")).links}


def test_demo_has_a_link_in_every_status(demo_placed):
    statuses = {link.status for d in diagnose_all() for link in d.links}
    assert statuses >= {"strong", "weak", "missing", "filling"}


def test_demo_statuses_follow_from_enterprises_and_projects(demo_placed):
    links = _wind()
    towers, castings, bearings, gearboxes = (
        links[c] for c in ("towers", "steel-castings", "bearings", "gearboxes")
    )
    assert towers.status == "strong" and towers.local_count >= 3
    assert castings.status == "weak" and 0 < castings.local_count < 3
    assert bearings.status == "missing" and bearings.local_count == 0
    assert bearings.action == "补链"  # between local steel castings and local nacelles
    assert gearboxes.status == "filling" and gearboxes.local_count == 0
    assert gearboxes.pipeline_signed + gearboxes.pipeline_building >= 1

    # Take the records away and the statuses follow.
    Project.objects.filter(link__chain__code="wind-power", link__code="gearboxes").update(link=None)
    EnterpriseLink.objects.filter(link__chain__code="wind-power", link__code="towers").delete()
    links = _wind()
    assert links["gearboxes"].status == "missing"
    # Without its three makers the tower link is a gap, which the tower project in production
    # is filling.
    assert (links["towers"].status, links["towers"].local_count) == ("filling", 0)


def test_demo_wind_chain_has_its_chief_leader_and_matching_rate(demo_placed):
    diagnosis = diagnose_chain(Chain.objects.get(code="wind-power"))
    assert diagnosis.leaders == ["新疆东方风电"]
    assert len(diagnosis.chiefs) == 1 and "示例" in diagnosis.chiefs[0]
    # The leader assembles nacelles; of the six links feeding nacelles only steel castings is
    # local in the demo: 1/6.
    assert diagnosis.matching_rate == pytest.approx(1 / 6)


def test_demo_history_says_which_project_filled_which_gap_and_when(demo_placed):
    """Months March–December 2023 are snapshotted from the records: the gear-box project signed
    at the first event (21 April) made 齿轮箱 a gap being filled in April."""
    fills = {(x.link_name, x.month): x for x in gap_fills(Chain.objects.get(code="wind-power"))}
    gearboxes = fills[("齿轮箱与减速器", dt.date(2023, 4, 1))]
    assert (gearboxes.from_status, gearboxes.to_status) == ("missing", "filling")
    assert [p["name"] for p in gearboxes.projects] == ["北辰风电齿轮箱及轴承配套项目"]
    assert ChainSnapshot.objects.filter(chain__code="wind-power").count() == 10
