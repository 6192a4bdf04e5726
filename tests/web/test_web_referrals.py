"""以商招商 on the project page and the referrer ranking."""

import pytest
from django.urls import reverse

from chainvest.projects.models import Referral
from tests.web import factories as f
from tests.web.factories import D

DATA = {
    "kind": "chain_leader",
    "referrer_name": "特变电工",
    "supplies": "on",
    "commitments": "配套硅料",
}


@pytest.fixture
def project(cast, changji):
    return f.project(
        cast["qitai"], changji["qitai"], "奇台硅基项目", agreed="10亿元", signed=D(2023, 3, 1)
    )


def test_officer_records_a_referral_and_the_ranking_shows_it(client, project):
    officer = f.signed_in(client, "t_qitai")
    response = officer.post(reverse("web:project_referral", args=[project.pk]), DATA)
    assert response.status_code == 302
    assert Referral.objects.get().supplies is True
    page = officer.get(reverse("web:project", args=[project.pk])).content.decode()
    assert "特变电工" in page and "配套供应" in page
    ranking = f.signed_in(client, "t_leader").get(reverse("web:referrals")).content.decode()
    assert "特变电工" in ranking and "10亿元" in ranking and "奇台硅基项目" in ranking


def test_referral_errors_show_in_the_form(client, project):
    response = f.signed_in(client, "t_qitai").post(
        reverse("web:project_referral", args=[project.pk]), {**DATA, "referrer_name": ""}
    )
    assert response.status_code == 200 and "引荐方不能为空" in response.content.decode()
    assert not Referral.objects.exists()


def test_leader_and_outsider_cannot_record(client, project):
    url = reverse("web:project_referral", args=[project.pk])
    assert f.signed_in(client, "t_leader").post(url, DATA).status_code == 403
    assert f.signed_in(client, "t_mulei").post(url, DATA).status_code == 403
    client.logout()
    assert client.post(url, DATA).status_code == 302
    assert client.get(reverse("web:referrals")).status_code == 302
    assert not Referral.objects.exists()
