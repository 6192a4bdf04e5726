"""Small records for the web tests: projects through the services, reference rows directly.

Clusters, chains and events have no write service yet, so they are created as rows.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from django.http import HttpRequest

from chainvest.chains.models import Chain, Cluster, Link
from chainvest.enterprises.models import Enterprise, EnterpriseLink, EnterpriseRelation
from chainvest.events.models import Event
from chainvest.events.services import create_event_plan, mark_month_held, set_month_theme
from chainvest.projects.models import Engagement, Project
from chainvest.projects.services import create_project, transition_project
from chainvest.regions.models import Region, RegionLevel

D = dt.date
PASSWORD = "test-pass-123"


def chain(code: str = "wind-power", name: str = "风电装备", cluster: str = "new-energy") -> Chain:
    group, _ = Cluster.objects.get_or_create(
        code=cluster, defaults={"name": f"{cluster}集群", "order": 8}
    )
    return Chain.objects.get_or_create(code=code, defaults={"name": name, "cluster": group})[0]


def link(chain: Chain, code: str, name: str, stage: str, parent: Link | None = None) -> Link:
    return Link.objects.create(chain=chain, code=code, name=name, stage=stage, parent=parent)


def event(name: str, date: dt.date, **fields) -> Event:
    return Event.objects.create(name=name, date=date, **fields)


def project(
    user,
    county,
    name: str,
    agreed: str = "5亿元",
    signed: dt.date | None = None,
    started: dt.date | None = None,
    **fields,
) -> Project:
    """A project created as its officer would; signed/started move it on with those dates.

    Extra fields are the service's keys (chain_id, event_id, industry…).
    """
    data = {"name": name, "county_id": county.id, "agreed": agreed, **fields}
    first = signed or started or D(2023, 1, 1)
    item = create_project(user, data, lead_date=first - dt.timedelta(days=30))
    if signed:
        transition_project(user, item, "signed", {"negotiating": signed, "signed": signed})
    if started:
        dates = {"registered": started, "construction": started}
        transition_project(user, item, "construction", dates)
    item.refresh_from_db()
    return item


def engagement(enterprise_name: str, chain: Chain, date: dt.date, county=None) -> Engagement:
    enterprise, _ = Enterprise.objects.get_or_create(name=enterprise_name)
    return Engagement.objects.create(
        enterprise=enterprise, chain=chain, county=county, date=date, kind="visit"
    )


def signed_in(client, username: str):
    # django-axes watches every sign-in and needs the request it comes with.
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD)
    return client


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[dict, str]] = []
        self._open: dict | None = None
        self._body = ""

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open, self._body = dict(attrs), ""

    def handle_data(self, data):
        if self._open is not None:
            self._body += data

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.found.append((self._open, self._body))
            self._open = None


def inline_scripts(html: str) -> list[str]:
    """Script bodies a CSP without 'unsafe-inline' would block (json_script data is allowed)."""
    parser = _Scripts()
    parser.feed(html)
    return [
        body
        for attrs, body in parser.found
        if attrs.get("type") != "application/json" and (body.strip() or "src" not in attrs)
    ] + re.findall(r"\son[a-z]+\s*=", html)


def wind_gap_event(cast, changji) -> dict:
    """A wind chain whose resin link nobody here fills; two resin makers elsewhere (one supplies
    our blade leader); an August event held for the plan's wind month."""
    elsewhere = Region.objects.create(code="320100", name="南京市", level=RegionLevel.CITY)
    chain = Chain.objects.create(
        code="wind-power", name="风电装备", cluster=Cluster.objects.create(code="ne", name="新能源")
    )
    resin = Link.objects.create(chain=chain, code="resin", name="树脂", stage="upstream")
    blade = Link.objects.create(chain=chain, code="blade", name="叶片", stage="midstream")
    leader = Enterprise.objects.create(
        name="本地叶片链主", region=changji["changji"], is_chain_leader=True
    )
    EnterpriseLink.objects.create(enterprise=leader, link=blade, source="manual")
    big = Enterprise.objects.create(name="外地树脂大厂", region=elsewhere,
                                    registered_capital_wan=90000)  # fmt: skip
    partner = Enterprise.objects.create(name="外地树脂伙伴", region=elsewhere,
                                        registered_capital_wan=500)  # fmt: skip
    for e in (big, partner):
        EnterpriseLink.objects.create(enterprise=e, link=resin, source="auto", confidence=0.8)
    EnterpriseRelation.objects.create(source=partner, target=leader, kind="supplies")
    held = event("风电专场推介会", D(2023, 8, 18))
    plan = create_event_plan(cast["analyst"], 2023, changji["prefecture"])
    slot = plan.months.get(month=8)
    set_month_theme(cast["analyst"], slot, {"theme": "风电装备", "chains": [chain]})
    mark_month_held(cast["analyst"], slot, held)
    return {"event": held, "chain": chain, "resin": resin, "big": big, "partner": partner}
