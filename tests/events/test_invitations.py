"""An event's invitation list: targets for the theme chains' gaps in one click, manual additions,
statuses, removal, the conversion to signings and the .xlsx."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from chainvest.chains import targeting
from chainvest.events.invitation_services import (
    add_invitee,
    invite_targets,
    remove_invitation,
    theme_chains,
    update_invitation,
)
from chainvest.events.models import Invitation, InvitationStatus
from chainvest.reports.exports import invitations_xlsx
from chainvest.reports.kpis import Scope, kpi_figures
from chainvest.reports.queries import invitation_outcome
from tests.web import factories as f
from tests.web.factories import D


@pytest.fixture(autouse=True)
def _fresh_pool():
    targeting._CACHE.clear()


@pytest.fixture
def world(cast, changji):
    return f.wind_gap_event(cast, changji)


def names(event) -> list[str]:
    return list(event.invitations.order_by("pk").values_list("enterprise__name", flat=True))


def test_the_theme_chains_are_those_of_the_plan_month(world):
    assert theme_chains(world["event"]) == [world["chain"]]
    assert theme_chains(f.event("无计划活动", D(2023, 9, 1))) == []


def test_one_click_invites_the_top_targets_of_each_gap_with_their_reasons(world, cast):
    result = invite_targets(cast["analyst"], world["event"], top=2)
    assert sorted(names(world["event"])) == ["外地树脂伙伴", "外地树脂大厂"]
    partner = Invitation.objects.get(enterprise=world["partner"])
    assert partner.source == "recommended" and partner.link == world["resin"]
    assert partner.reason.startswith("风电装备·树脂（缺失环节）推荐第1名")
    assert "本地链主本地叶片链主的上下游伙伴" in partner.reason
    assert partner.status == InvitationStatus.PROPOSED
    assert result.gaps >= 1 and len(result.added) == 2 and result.merged == []


def test_top_n_limits_each_gap(world, cast):
    invite_targets(cast["analyst"], world["event"], top=1)
    assert names(world["event"]) == ["外地树脂伙伴"]


def test_a_second_click_adds_no_duplicate_and_says_so(world, cast):
    invite_targets(cast["analyst"], world["event"], top=2)
    again = invite_targets(cast["analyst"], world["event"], top=2)
    assert again.added == [] and sorted(again.merged) == ["外地树脂伙伴", "外地树脂大厂"]
    assert "2家已在名单中，不重复添加" in again.message
    assert world["event"].invitations.count() == 2


def test_an_event_without_theme_chains_is_refused(cast):
    event = f.event("无计划活动", D(2023, 9, 1))
    with pytest.raises(ValidationError) as exc:
        invite_targets(cast["analyst"], event)
    assert "年度计划" in exc.value.message_dict["chains"][0]
    assert not Invitation.objects.exists()


def test_top_out_of_range_is_named(world, cast):
    with pytest.raises(ValidationError) as exc:
        invite_targets(cast["analyst"], world["event"], top=0)
    assert list(exc.value.message_dict) == ["top"]


@pytest.mark.parametrize("who", ["leader", "qitai"])
def test_leaders_and_officers_do_not_build_the_list(world, cast, who):
    with pytest.raises(PermissionDenied):
        invite_targets(cast[who], world["event"])
    with pytest.raises(PermissionDenied):
        add_invitee(cast[who], world["event"], world["big"])
    assert not Invitation.objects.exists()


def test_a_manual_invitee_is_added_once(world, cast):
    invitation = add_invitee(cast["admin"], world["event"], world["big"], "商会推荐", cast["qitai"])
    assert (invitation.source, invitation.reason, invitation.officer) == (
        "manual", "商会推荐", cast["qitai"]
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        add_invitee(cast["analyst"], world["event"], world["big"])
    assert exc.value.message_dict["enterprise"] == [
        "外地树脂大厂已在邀请名单中（拟邀请），不重复添加"
    ]
    assert world["event"].invitations.count() == 1


def test_a_recommended_invitee_already_listed_by_hand_is_merged(world, cast):
    add_invitee(cast["analyst"], world["event"], world["partner"])
    result = invite_targets(cast["analyst"], world["event"], top=2)
    assert result.merged == ["外地树脂伙伴"] and names(world["event"]) == [
        "外地树脂伙伴",
        "外地树脂大厂",
    ]
    assert Invitation.objects.get(enterprise=world["partner"]).source == "manual"


def test_bad_manual_input_names_the_field(world, cast):
    with pytest.raises(ValidationError) as exc:
        add_invitee(cast["analyst"], world["event"], None)
    assert list(exc.value.message_dict) == ["enterprise"]
    with pytest.raises(ValidationError) as exc:
        add_invitee(cast["analyst"], world["event"], world["big"], officer=cast["leader"])
    assert list(exc.value.message_dict) == ["officer"]
    assert not Invitation.objects.exists()


def test_the_responsible_officer_updates_the_status_but_not_the_officer(world, cast):
    invitation = add_invitee(cast["analyst"], world["event"], world["big"], officer=cast["qitai"])
    update_invitation(cast["qitai"], invitation, {"status": InvitationStatus.ATTENDED})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ATTENDED
    with pytest.raises(PermissionDenied):
        update_invitation(cast["qitai"], invitation, {"officer": cast["mulei"]})
    for who in ("mulei", "leader"):
        with pytest.raises(PermissionDenied):
            update_invitation(cast[who], invitation, {"status": InvitationStatus.ABSENT})
    invitation.refresh_from_db()
    assert (invitation.status, invitation.officer) == (InvitationStatus.ATTENDED, cast["qitai"])
    assert invitation.history.count() == 2


def test_bad_status_and_attendance_before_the_event_are_refused(world, cast):
    invitation = add_invitee(cast["analyst"], world["event"], world["big"])
    with pytest.raises(ValidationError) as exc:
        update_invitation(cast["analyst"], invitation, {"status": "maybe"})
    assert list(exc.value.message_dict) == ["status"]
    future = f.event("明年活动", D(2099, 1, 1))
    later = add_invitee(cast["analyst"], future, world["big"])
    with pytest.raises(ValidationError) as exc:
        update_invitation(cast["analyst"], later, {"status": InvitationStatus.ATTENDED})
    assert "尚未举行" in exc.value.message_dict["status"][0]
    later.refresh_from_db()
    assert later.status == InvitationStatus.PROPOSED


def test_removing_an_invitee_keeps_its_history(world, cast):
    invitation = add_invitee(cast["analyst"], world["event"], world["big"])
    with pytest.raises(PermissionDenied):
        remove_invitation(cast["leader"], invitation)
    remove_invitation(cast["analyst"], invitation)
    assert not Invitation.objects.exists()
    assert Invitation.history.filter(history_type="-").count() == 1


@pytest.fixture
def after(world, cast, changji):
    """Both resin makers invited and present; the partner signed a 10亿 project at the event."""
    invite_targets(cast["analyst"], world["event"], top=2)
    for invitation in world["event"].invitations.all():
        update_invitation(cast["analyst"], invitation, {"status": InvitationStatus.ATTENDED})
    f.project(cast["qitai"], changji["qitai"], "树脂项目", agreed="10亿元", signed=D(2023, 8, 18),
              event_id=world["event"].id, investor_id=world["partner"].id)  # fmt: skip
    rows = kpi_figures(Scope(event_id=world["event"].pk))["signed"].rows
    return invitation_outcome(world["event"], rows)


def test_the_conversion_joins_invitees_to_the_events_signings(after):
    assert (after.total, after.attended, after.signed, after.rate_text) == (2, 2, 1, "50.0%")
    signed = [i.enterprise.name for i, did in after.rows if did]
    assert signed == ["外地树脂伙伴"]
    assert ("attended", "出席", 2) in after.counts and ("proposed", "拟邀请", 0) in after.counts


def test_the_xlsx_lists_invitees_and_the_conversion(world, after):
    out = io.BytesIO()
    invitations_xlsx(world["event"], after, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["邀请名单", "统计"]
    rows = list(book["邀请名单"].iter_rows(values_only=True))
    assert rows[0][0] == "风电专场推介会邀请名单" and rows[1][0] == "企业名称"
    by_name = {r[0]: r for r in rows[2:4]}
    assert by_name["外地树脂伙伴"][2:] == ("推荐", "风电装备·树脂", by_name["外地树脂伙伴"][4],
                                     "出席", "-", "是")  # fmt: skip
    assert by_name["外地树脂大厂"][7] == "否" and rows[4][0] == "共 2 条"
    stats = dict(r[:2] for r in book["统计"].iter_rows(min_row=3, values_only=True) if r[1])
    assert stats["出席"] == 2 and stats["现场签约企业"] == 1
    assert stats["签约转化率（签约企业÷邀请企业）"] == "50.0%"
