"""A small hand-built chain with local and elsewhere enterprises, shared by the diagnosis tests.

    ore (w1) → smelting (w3) → parts (w2) → assembly (w3) → service (w1)
                         └───────────────────↗
Pool (active): 10 enterprises in 昌吉州 (652301), 40 elsewhere (南京 320100): totals 10 / 50.
    smelting: 3 local (5000 + 4000 + 3000 = 12000 万元), 2 elsewhere
    assembly: 1 local (2000 万元, the chain's leader), 3 elsewhere
    parts:    2 elsewhere; 1 local but archived (does not count)
    ore:      1 elsewhere; 1 local but merged into another (does not count)
    service:  nobody
The other 6 local and 32 elsewhere enterprises sit on no link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from chainvest.chains.models import Chain, ChainChief, ChainLeader, Cluster, Link
from chainvest.enterprises.models import Enterprise, EnterpriseLink
from chainvest.regions.models import Region, RegionLevel


@dataclass
class Shop:
    chain: Chain
    links: dict[str, Link]
    local: Region
    elsewhere: Region
    leader: Enterprise


def make_enterprise(name: str, region: Region, capital=None, on: Link | None = None, **fields):
    enterprise = Enterprise.objects.create(
        name=name, region=region, registered_capital_wan=capital, **fields
    )
    if on is not None:
        EnterpriseLink.objects.create(enterprise=enterprise, link=on, source="manual")
    return enterprise


@pytest.fixture
def shop(changji) -> Shop:
    local = changji["changji"]
    province = Region.objects.create(code="320000", name="江苏省", level=RegionLevel.PROVINCE)
    elsewhere = Region.objects.create(
        code="320100", name="南京市", level=RegionLevel.CITY, parent=province
    )
    cluster = Cluster.objects.create(code="metal", name="金属集群")
    chain = Chain.objects.create(code="metal-chain", name="金属加工链", cluster=cluster)
    specs = [("ore", 1), ("smelting", 3), ("parts", 2), ("assembly", 3), ("service", 1)]
    links = {
        code: Link.objects.create(
            chain=chain, code=code, name=code, stage="midstream", weight=w, order=i
        )
        for i, (code, w) in enumerate(specs)
    }
    for a, b in [
        ("ore", "smelting"),
        ("smelting", "parts"),
        ("smelting", "assembly"),
        ("parts", "assembly"),
        ("assembly", "service"),
    ]:
        links[a].feeds.add(links[b])

    for i, capital in enumerate([5000, 4000, 3000]):
        make_enterprise(f"本地冶炼{i}", local, capital, links["smelting"])
    leader = make_enterprise("本地总装链主", local, 2000, links["assembly"])
    make_enterprise("本地零件已归档", local, 9000, links["parts"], archived=True)
    survivor = make_enterprise("本地其他0", local)
    make_enterprise("本地矿业已合并", local, 9000, links["ore"], merged_into=survivor)
    for i in range(1, 6):
        make_enterprise(f"本地其他{i}", local)
    placed_elsewhere = {"smelting": 2, "assembly": 3, "parts": 2, "ore": 1}
    for code, n in placed_elsewhere.items():
        for i in range(n):
            make_enterprise(f"外地{code}{i}", elsewhere, 50000, links[code])
    Enterprise.objects.bulk_create(
        [Enterprise(name=f"外地其他{i}", region=elsewhere) for i in range(32)]
    )
    ChainLeader.objects.create(chain=chain, enterprise=leader)
    ChainChief.objects.create(chain=chain, name="张三", title="州人民政府副州长")
    return Shop(chain, links, local, elsewhere, leader)


D = dt.date
