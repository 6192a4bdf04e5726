"""人工排除 on the enterprise profile: analysts mark "not on this link"; others only read it."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chainvest.enterprises.classification import exclude_from_link
from chainvest.enterprises.models import Enterprise, EnterpriseLink, LinkExclusion
from tests.web import factories as f


@pytest.fixture
def placed(db):
    blade = f.link(f.chain(), "blade", "叶片", "midstream")
    maker = Enterprise.objects.create(name="新疆天山风电有限公司", business_scope="风电叶片制造")
    EnterpriseLink.objects.create(
        enterprise=maker,
        link=blade,
        source="auto",
        confidence=0.82,
        reasons=["经营范围含「风电叶片制造」"],
    )
    return maker, blade


def exclude_url(maker, link) -> str:
    return reverse("web:enterprise_link_exclude", args=[maker.pk, link.pk])


def lift_url(maker, link) -> str:
    return reverse("web:enterprise_link_lift", args=[maker.pk, link.pk])


def profile(client, user, maker) -> str:
    client.force_login(user)
    return client.get(reverse("web:enterprise_profile", args=[maker.pk])).content.decode()


def test_analyst_sees_the_control_beside_each_link_and_excludes_it(client, placed, cast):
    maker, blade = placed
    html = profile(client, cast["analyst"], maker)
    assert exclude_url(maker, blade) in html and "不属于该环节" in html
    response = client.post(exclude_url(maker, blade), {"note": "只做塔筒"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "已人工排除环节“叶片”" in html
    assert "人工排除的环节" in html and "只做塔筒" in html and "t_analyst" in html
    assert not EnterpriseLink.objects.filter(enterprise=maker, link=blade).exists()
    assert LinkExclusion.objects.get(enterprise=maker, link=blade).note == "只做塔筒"


def test_analyst_lifts_an_exclusion(client, placed, cast):
    maker, blade = placed
    exclude_from_link(cast["admin"], maker, blade)
    html = profile(client, cast["analyst"], maker)
    assert lift_url(maker, blade) in html
    response = client.post(lift_url(maker, blade), follow=True)
    assert "已撤销对环节“叶片”的排除" in response.content.decode()
    assert not LinkExclusion.objects.filter(enterprise=maker).exists()


@pytest.mark.parametrize("role", ["leader", "qitai"])
def test_leader_and_officer_read_exclusions_without_controls_and_cannot_post(
    client, placed, cast, role
):
    maker, blade = placed
    html = profile(client, cast[role], maker)
    assert "叶片" in html and exclude_url(maker, blade) not in html
    assert client.post(exclude_url(maker, blade), {"note": "x"}).status_code == 403
    assert EnterpriseLink.objects.filter(enterprise=maker, link=blade).exists()
    exclude_from_link(cast["analyst"], maker, blade, "只做塔筒")
    html = profile(client, cast[role], maker)
    assert "人工排除的环节" in html and "只做塔筒" in html and lift_url(maker, blade) not in html
    assert client.post(lift_url(maker, blade)).status_code == 403
    assert LinkExclusion.objects.filter(enterprise=maker, link=blade).exists()


def test_user_without_role_and_anonymous_cannot_exclude(client, placed):
    maker, blade = placed
    assert client.post(exclude_url(maker, blade)).status_code == 302  # to the login page
    nobody = get_user_model().objects.create_user("t_nobody", password="test-pass-123")
    client.force_login(nobody)
    assert client.post(exclude_url(maker, blade)).status_code == 403
    assert not LinkExclusion.objects.exists()


def test_excluding_needs_post_and_known_ids(client, placed, cast):
    maker, blade = placed
    client.force_login(cast["analyst"])
    assert client.get(exclude_url(maker, blade)).status_code == 405
    missing = reverse("web:enterprise_link_exclude", args=[maker.pk, 999999])
    assert client.post(missing).status_code == 404
    assert not LinkExclusion.objects.exists()
