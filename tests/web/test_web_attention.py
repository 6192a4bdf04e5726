"""Needs-attention lists, the alert on the project page, 督办 and the alert-rule page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from chainvest.projects.models import FollowUp, Instruction
from chainvest.projects.services import issue_instruction, update_project
from chainvest.reports.models import AlertRule
from tests.web import factories as f


@pytest.fixture
def world(cast, changji):
    """Qitai's project is 61+ days past its planned start (red); Mulei's is fine (green)."""
    today = timezone.localdate()
    late = f.project(
        cast["qitai"], changji["qitai"], "奇台逾期项目", signed=today - dt.timedelta(days=90)
    )
    update_project(
        cast["qitai"],
        late,
        {"planned_construction_date": today - dt.timedelta(days=61), "liaison_leader": "张副州长"},
    )
    fine = f.project(
        cast["mulei"], changji["mulei"], "木垒正常项目", signed=today - dt.timedelta(days=3)
    )
    return {"late": late, "fine": fine}


def url(name, *args):
    return reverse(f"web:{name}", args=args)


def test_officer_sees_only_their_own_flagged_projects(client, world):
    page = f.signed_in(client, "t_qitai").get(url("attention")).content.decode()
    assert "我负责的需关注项目" in page and "奇台逾期项目" in page
    assert "木垒正常项目" not in page and "已过 61 天" in page
    page = f.signed_in(client, "t_mulei").get(url("attention")).content.decode()
    assert "奇台逾期项目" not in page and "暂无需关注的项目" in page


def test_leader_sees_counties_and_the_red_list(client, world, changji):
    leader = f.signed_in(client, "t_leader")
    page = leader.get(url("attention")).content.decode()
    assert "各县市预警情况" in page and "奇台县" in page and "木垒哈萨克自治县" in page
    assert "领导关注" in page and "奇台逾期项目" in page and "张副州长" in page
    page = leader.get(url("attention") + f"?county={changji['qitai'].pk}").content.decode()
    assert "本县市需关注项目" in page


def test_project_page_shows_the_alert_and_reasons(client, world):
    page = f.signed_in(client, "t_leader").get(url("project", world["late"].pk)).content.decode()
    assert 'data-testid="alert-level">红色预警' in page
    assert "尚未开工" in page


def test_leader_issues_an_instruction_and_the_officer_answers(client, world):
    leader = f.signed_in(client, "t_leader")
    page = leader.get(url("project", world["late"].pk)).content.decode()
    assert "作出督办批示" in page and "回复办理情况" not in page and "登记签约" not in page
    response = leader.post(url("project_instruction", world["late"].pk), {"text": "请本周内开工"})
    assert response.status_code == 302
    order = Instruction.objects.get()
    officer = f.signed_in(client, "t_qitai")
    page = officer.get(url("project", world["late"].pk)).content.decode()
    assert "请本周内开工" in page and "回复办理情况" in page and "作出督办批示" not in page
    response = officer.post(url("instruction_reply", order.pk), {"note": "已开工", "close": "on"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert not order.is_open and FollowUp.objects.get().instruction == order


def test_officer_cannot_issue_and_leader_cannot_reply(client, world, cast):
    officer = f.signed_in(client, "t_qitai")
    assert (
        officer.post(url("project_instruction", world["late"].pk), {"text": "x"}).status_code == 403
    )
    order = issue_instruction(cast["leader"], world["late"], "请推进")
    leader = f.signed_in(client, "t_leader")
    assert leader.post(url("instruction_reply", order.pk), {"note": "已办"}).status_code == 403
    other = f.signed_in(client, "t_mulei")
    assert other.post(url("instruction_reply", order.pk), {"note": "已办"}).status_code == 403
    assert Instruction.objects.count() == 1 and not FollowUp.objects.exists()


def test_empty_instruction_shows_the_error(client, world):
    response = f.signed_in(client, "t_leader").post(
        url("project_instruction", world["late"].pk), {"text": ""}
    )
    assert response.status_code == 200 and "批示内容不能为空" in response.content.decode()
    assert not Instruction.objects.exists()


@pytest.mark.parametrize("name", ["attention", "alert_rule"])
def test_outsider_is_sent_to_login(client, world, name):
    assert client.get(url(name)).status_code == 302


def test_analyst_sets_the_alert_rule_leader_only_reads_it(client, world):
    data = {
        "follow_up_yellow_days": "100",
        "follow_up_red_days": "200",
        "start_warning_days": "15",
        "start_grace_days": "70",
        "funds_tolerance_pct": "10",
    }
    leader = f.signed_in(client, "t_leader")
    assert "当前账号只能查看" in leader.get(url("alert_rule")).content.decode()
    assert leader.post(url("alert_rule"), data).status_code == 403
    assert not AlertRule.objects.exists()
    analyst = f.signed_in(client, "t_analyst")
    assert analyst.post(url("alert_rule"), data).status_code == 302
    assert AlertRule.objects.get().start_grace_days == 70
    # 61 days late is now within the 70-day grace: yellow, not red.
    page = analyst.get(url("project", world["late"].pk)).content.decode()
    assert 'data-testid="alert-level">黄色预警' in page


def test_red_before_yellow_is_refused(client, world):
    data = {
        "follow_up_yellow_days": "30",
        "follow_up_red_days": "10",
        "start_warning_days": "0",
        "start_grace_days": "0",
        "funds_tolerance_pct": "10",
    }
    response = f.signed_in(client, "t_analyst").post(url("alert_rule"), data)
    assert response.status_code == 200 and "不能少于黄色预警天数" in response.content.decode()
    assert not AlertRule.objects.exists()
