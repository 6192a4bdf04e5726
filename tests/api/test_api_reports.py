import datetime as dt

import pytest

from chainvest.enterprises.models import Enterprise
from chainvest.events.models import Event
from chainvest.projects.models import Engagement
from chainvest.projects.services import create_project, transition_project


def signed(admin, county, name, amount, event, signed_on, started_on=None):
    project = create_project(
        admin,
        {"name": name, "county_id": county.id, "agreed": amount, "event_id": event.id},
        lead_date=dt.date(2023, 1, 5),
    )
    transition_project(
        admin, project, "signed", {"negotiating": dt.date(2023, 2, 1), "signed": signed_on}
    )
    if started_on:
        transition_project(
            admin, project, "construction", {"registered": started_on, "construction": started_on}
        )
    return project


@pytest.fixture
def two_events(cast, changji):
    admin = cast["admin"]
    spring = Event.objects.create(
        name="春季招商推介会",
        date=dt.date(2023, 4, 20),
        place="昌吉市",
        organiser=changji["prefecture"],
    )
    summer = Event.objects.create(name="夏季签约仪式", date=dt.date(2023, 7, 28), place="奇台县")
    signed(
        admin,
        changji["qitai"],
        "项目甲",
        "5亿元",
        spring,
        dt.date(2023, 4, 20),
        started_on=dt.date(2023, 6, 1),
    )
    signed(admin, changji["mulei"], "项目乙", "2到3亿元", spring, dt.date(2023, 4, 20))
    signed(admin, changji["changji"], "项目丙", "超过10亿元", summer, dt.date(2023, 7, 28))
    firm = Enterprise.objects.create(name="某装备公司")
    Engagement.objects.create(enterprise=firm, date=dt.date(2023, 3, 1), kind="visit")
    return spring, summer


def test_summary_adds_up_the_year_and_keeps_open_ended_totals_open(clients, two_events):
    response = clients["leader"].get("/api/summary?year=2023")
    assert response.status_code == 200
    assert response.json() == {
        "year": 2023,
        "events": 2,
        "signed_count": 3,
        "started_count": 1,
        "investment": {"min_wan": 170000, "max_wan": None, "text": "超过17亿元"},
        "engaged_enterprises": 1,
        "engaged_chains": 0,
        "engaged_clusters": 0,
    }
    empty = clients["leader"].get("/api/summary?year=2022").json()
    assert (empty["events"], empty["signed_count"]) == (0, 0)
    assert clients["leader"].get("/api/summary?year=soon").status_code == 422


def test_events_list_each_with_its_signings(clients, two_events):
    spring, summer = two_events
    response = clients["analyst"].get("/api/events?year=2023")
    assert response.status_code == 200
    first, second = response.json()
    assert (first["id"], first["name"]) == (spring.id, "春季招商推介会")
    assert first["date"] == "2023-04-20"
    assert first["organiser"] == {"code": "652300", "name": "昌吉回族自治州"}
    assert first["signed_count"] == 2
    assert first["investment"] == {"min_wan": 70000, "max_wan": 80000, "text": "7–8亿元"}
    assert second["organiser"] is None and second["is_demo"] is False
    assert second["investment"]["max_wan"] is None
    assert second["investment"]["text"] == "超过10亿元"
    one = clients["analyst"].get(f"/api/events/{summer.id}").json()
    assert one["signed_count"] == 1
    assert clients["analyst"].get("/api/events/999999").status_code == 404


def test_demo_summary_matches_the_published_2023_figures(demo, clients):
    client = clients["leader"]
    summary = client.get("/api/summary?year=2023").json()
    assert summary["events"] == 4
    assert summary["signed_count"] == 59
    assert summary["investment"]["min_wan"] > 11100000
    assert summary["started_count"] == 14
    fourth = client.get("/api/events?year=2023").json()[3]
    assert fourth["signed_count"] == 17
    assert fourth["investment"]["min_wan"] == fourth["investment"]["max_wan"] == 10260000


def test_kpis_come_with_their_definitions(clients, two_events):
    response = clients["leader"].get("/api/kpis?year=2023&as_of=2023-12-31")
    assert response.status_code == 200
    got = {f["key"]: f for f in response.json()}
    assert list(got) == [
        "signed",
        "investment",
        "fulfilment",
        "start",
        "production",
        "landing",
        "funds",
    ]
    assert got["signed"]["numerator"] == 3 and got["start"]["denominator"] == 3
    assert (got["start"]["numerator"], got["start"]["display"]) == (1, "33.3%")
    assert got["investment"]["display"] == "17亿元以上"
    assert got["start"]["definition"].startswith("开工率 = ")
    assert clients["leader"].get("/api/kpis?as_of=someday").status_code == 422


def test_kpis_need_a_token():
    from django.test import Client

    assert Client().get("/api/kpis").status_code == 401
