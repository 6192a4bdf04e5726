"""The event page's 邀请名单: one-click targets, manual additions, statuses, removal, export and
the conversion to signings; analysts/admins build it, the responsible officer updates."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chainvest.chains import targeting
from chainvest.events.invitation_services import add_invitee
from chainvest.events.models import Invitation, InvitationStatus
from tests.web import factories as f
from tests.web.factories import D

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_pool():
    targeting._CACHE.clear()


@pytest.fixture
def world(cast, changji):
    return f.wind_gap_event(cast, changji)


def url(name: str, *args) -> str:
    return reverse(f"web:{name}", args=args)


def test_event_page_shows_the_invitation_section_with_its_tools_to_analysts(client, world):
    html = f.signed_in(client, "t_analyst").get(url("event", world["event"].pk)).content.decode()
    assert 'data-testid="invitations"' in html and "主题产业链：风电装备" in html
    assert url("invite_targets", world["event"].pk) in html and "暂无邀请企业" in html
    assert f.inline_scripts(html) == []


def test_analyst_invites_the_targets_in_one_click(client, world):
    response = f.signed_in(client, "t_analyst").post(
        url("invite_targets", world["event"].pk), {"top": "2"}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "新增推荐邀请企业2家" in html and "外地树脂伙伴" in html and "外地树脂大厂" in html
    assert 'data-count="proposed">2<' in html
    assert world["event"].invitations.count() == 2


def test_a_second_click_reports_the_duplicates(client, world):
    analyst = f.signed_in(client, "t_analyst")
    analyst.post(url("invite_targets", world["event"].pk), {"top": "2"}, **HX)
    html = analyst.post(url("invite_targets", world["event"].pk), {"top": "2"}, **HX)
    assert "2家已在名单中，不重复添加" in html.content.decode()
    assert world["event"].invitations.count() == 2


def test_manual_addition_by_name_and_its_duplicate(client, world, cast):
    admin = f.signed_in(client, "t_admin")
    data = {"enterprise": "外地树脂大厂", "reason": "商会推荐", "officer": cast["qitai"].pk}
    html = admin.post(url("invitee_add", world["event"].pk), data, **HX).content.decode()
    assert "已加入邀请名单：外地树脂大厂" in html and "商会推荐" in html
    again = admin.post(url("invitee_add", world["event"].pk), data, **HX).content.decode()
    assert "外地树脂大厂已在邀请名单中（拟邀请），不重复添加" in again
    missing = admin.post(url("invitee_add", world["event"].pk), {"enterprise": "无此企业"})
    assert missing.status_code == 400 and "请选择企业库中已有的企业" in missing.content.decode()
    assert world["event"].invitations.count() == 1


def test_the_responsible_officer_records_attendance(client, world, cast):
    invitation = add_invitee(cast["analyst"], world["event"], world["big"], officer=cast["qitai"])
    officer = f.signed_in(client, "t_qitai")
    page = officer.get(url("event", world["event"].pk)).content.decode()
    assert url("invitation_update", invitation.pk) in page
    assert url("invitation_remove", invitation.pk) not in page
    response = officer.post(url("invitation_update", invitation.pk), {"status": "attended"}, **HX)
    assert response.status_code == 200 and "邀请企业1家，出席1家" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ATTENDED


def test_another_officer_and_the_leader_get_403_on_every_write(client, world, cast):
    invitation = add_invitee(cast["analyst"], world["event"], world["big"], officer=cast["qitai"])
    writes = [
        (url("invite_targets", world["event"].pk), {"top": "2"}),
        (url("invitee_add", world["event"].pk), {"enterprise": "外地树脂伙伴"}),
        (url("invitation_update", invitation.pk), {"status": "absent"}),
        (url("invitation_remove", invitation.pk), {}),
    ]
    for who in ("t_leader", "t_mulei"):
        user = f.signed_in(client, who)
        assert [user.post(path, data).status_code for path, data in writes] == [403] * 4
    qitai = f.signed_in(client, "t_qitai")
    assert qitai.post(url("invitation_update", invitation.pk), {"officer": ""}).status_code == 403
    assert list(Invitation.objects.values_list("status", "officer")) == [
        ("proposed", cast["qitai"].pk)
    ]


def test_leader_reads_the_list_without_tools(client, world, cast):
    add_invitee(cast["analyst"], world["event"], world["big"])
    html = f.signed_in(client, "t_leader").get(url("event", world["event"].pk)).content.decode()
    assert "外地树脂大厂" in html and "/invitations/recommend/" not in html
    assert "/invitations/add/" not in html and "/remove/" not in html


def test_outsiders_are_sent_to_sign_in(client, world, cast):
    invitation = add_invitee(cast["analyst"], world["event"], world["big"])
    for path, method in [
        (url("invitations_xlsx", world["event"].pk), "get"),
        (url("invite_targets", world["event"].pk), "post"),
        (url("invitee_add", world["event"].pk), "post"),
        (url("invitation_update", invitation.pk), "post"),
        (url("invitation_remove", invitation.pk), "post"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 302 and "login" in response["Location"]


def test_analyst_removes_an_invitee(client, world, cast):
    invitation = add_invitee(cast["analyst"], world["event"], world["big"])
    response = f.signed_in(client, "t_analyst").post(url("invitation_remove", invitation.pk))
    assert response.status_code == 302 and response["Location"].endswith("#invitations")
    assert not Invitation.objects.exists()


def test_the_page_and_the_xlsx_show_who_signed(client, world, cast, changji):
    for e in (world["big"], world["partner"]):
        add_invitee(cast["analyst"], world["event"], e)
    f.project(cast["qitai"], changji["qitai"], "树脂项目", agreed="10亿元", signed=D(2023, 8, 18),
              event_id=world["event"].id, investor_id=world["partner"].id)  # fmt: skip
    leader = f.signed_in(client, "t_leader")
    html = leader.get(url("event", world["event"].pk)).content.decode()
    assert "邀请企业2家，出席0家，活动现场签约1家，签约转化率50.0%" in html
    response = leader.get(url("invitations_xlsx", world["event"].pk))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["邀请名单"].iter_rows(min_row=3, max_row=4, values_only=True))
    assert {r[0]: r[7] for r in rows} == {"外地树脂大厂": "否", "外地树脂伙伴": "是"}
