"""OFFICER_READS: officers read the whole prefecture's projects, or only their own county's."""

import pytest
from django.test import Client
from django.urls import reverse

from chainvest.accounts.models import ApiToken
from chainvest.settings import env_choice
from tests.web import factories as f


@pytest.fixture
def projects(cast, changji):
    return {
        "qitai": f.project(cast["qitai"], changji["qitai"], "奇台风机叶片项目"),
        "mulei": f.project(cast["mulei"], changji["mulei"], "木垒光伏组件项目"),
    }


def api_for(user) -> Client:
    _, raw = ApiToken.issue(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_officer_reads_the_whole_prefecture_by_default(client, cast, projects, settings):
    assert settings.OFFICER_READS == "prefecture"
    client.force_login(cast["mulei"])
    listing = client.get(reverse("web:projects")).content.decode()
    assert "奇台风机叶片项目" in listing and "木垒光伏组件项目" in listing
    assert client.get(reverse("web:project", args=[projects["qitai"].pk])).status_code == 200
    body = api_for(cast["mulei"]).get("/api/projects").json()
    assert body["count"] == 2


def test_officer_reads_only_own_county_when_so_configured(client, cast, projects, settings):
    settings.OFFICER_READS = "own"
    client.force_login(cast["mulei"])
    listing = client.get(reverse("web:projects")).content.decode()
    assert "木垒光伏组件项目" in listing and "奇台风机叶片项目" not in listing
    assert client.get(reverse("web:project", args=[projects["mulei"].pk])).status_code == 200
    other = client.get(reverse("web:project", args=[projects["qitai"].pk]))
    assert other.status_code == 403
    api = api_for(cast["mulei"])
    body = api.get("/api/projects").json()
    assert [p["name"] for p in body["items"]] == ["木垒光伏组件项目"]
    refused = api.get(f"/api/projects/{projects['qitai'].pk}")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只能查看本县市/园区的项目"


def test_own_scope_does_not_narrow_leaders_or_analysts(client, cast, projects, settings):
    settings.OFFICER_READS = "own"
    for role in ["leader", "analyst", "admin"]:
        assert api_for(cast[role]).get("/api/projects").json()["count"] == 2


def test_an_unknown_officer_reads_value_is_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("CHAINVEST_OFFICER_READS", "everything")
    with pytest.raises(ValueError, match="CHAINVEST_OFFICER_READS"):
        env_choice("CHAINVEST_OFFICER_READS", "prefecture", {"prefecture", "own"})
