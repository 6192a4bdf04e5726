"""Building the pool snapshot from the database, in full and incrementally."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from chainvest.engine import snapshot as sn
from chainvest.enterprises import snapshot as builder
from chainvest.enterprises.models import Enterprise, EnterpriseLink
from chainvest.regions.models import IndustryCode, IndustryLevel
from tests.web import factories as f


@pytest.fixture
def pool(changji):
    section = IndustryCode.objects.create(code="C", name="制造业", level=IndustryLevel.SECTION)
    pv_class = IndustryCode.objects.create(
        code="3825", name="光伏设备及元器件制造", level=IndustryLevel.CLASS, parent=section
    )
    pv = f.chain("photovoltaic", "光伏", "new-energy")
    links = [
        f.link(pv, "modules", "光伏组件", "midstream"),
        f.link(pv, "cells", "电池片", "midstream"),
    ]
    first = Enterprise.objects.create(
        name="甲光伏有限公司",
        region=changji["changji"],
        industry=pv_class,
        registered_capital_wan=Decimal("1500.5"),
        insured_count=42,
        established_date=dt.date(2019, 5, 6),
        status="存续",
        is_listed=True,
    )
    second = Enterprise.objects.create(name="乙商贸有限公司", status="注销", archived=True)
    third = Enterprise.objects.create(name="丙电池有限公司", region=changji["qitai"])
    EnterpriseLink.objects.create(enterprise=first, link=links[0], source="auto", confidence=0.75)
    EnterpriseLink.objects.create(enterprise=first, link=links[1], source="manual")
    EnterpriseLink.objects.create(enterprise=third, link=links[1], source="auto", confidence=0.5)
    return {"enterprises": [first, second, third], "links": links}


def row(snap, enterprise) -> int:
    return int(snap.rows_of([enterprise.pk])[0])


@pytest.mark.django_db
def test_full_build_holds_every_enterprise_as_arrays(pool, tmp_path):
    first, second, third = pool["enterprises"]
    snap = builder.build_snapshot(tmp_path / "snap", chunk=2)
    assert snap.ids.tolist() == [first.pk, second.pk, third.pk]
    assert snap.region.tolist() == [652301, 0, 652325]
    assert snap.industry.tolist() == [3825, 0, 0]
    assert snap.capital[0] == np.float32(1500.5) and np.isnan(snap.capital[1])
    assert snap.insured.tolist() == [42, sn.INSURED_NA, sn.INSURED_NA]
    assert snap.established[0] == (dt.date(2019, 5, 6) - dt.date(1970, 1, 1)).days
    assert snap.established[1] == sn.DAY_NA
    assert snap.status.tolist() == [1, 8, 0]
    assert snap.flags.tolist() == [sn.FLAG_LISTED, sn.FLAG_ARCHIVED, 0]
    modules, cells = pool["links"]
    assert snap.links_of(0)[0].tolist() == sorted([modules.pk, cells.pk])
    assert snap.links_of(2)[0].tolist() == [cells.pk]
    assert snap.links_of(2)[1].tolist() == [0.5]


@pytest.mark.django_db
def test_the_saved_snapshot_loads_back_the_same(pool, tmp_path):
    snap = builder.build_snapshot(tmp_path / "snap")
    back = sn.load(tmp_path / "snap")
    for name in (*sn.COLUMNS, *sn.CSR):
        np.testing.assert_array_equal(getattr(back, name), getattr(snap, name))
    assert back.meta["mode"] == "full"


@pytest.mark.django_db
def test_without_a_saved_snapshot_a_rebuild_is_a_full_build(pool, tmp_path):
    snap = builder.rebuild_snapshot(tmp_path / "snap")
    assert len(snap) == 3 and snap.meta["mode"] == "full"


@pytest.mark.django_db
def test_incremental_rebuild_rereads_only_new_and_changed_rows(pool, tmp_path, monkeypatch):
    monkeypatch.setattr(builder, "SAFETY_MARGIN", dt.timedelta(0))
    first, second, third = pool["enterprises"]
    builder.build_snapshot(tmp_path / "snap")
    first.registered_capital_wan = Decimal("9000")
    first.save()
    third.delete()
    newcomer = Enterprise.objects.create(name="丁新材料有限公司", status="在业")
    EnterpriseLink.objects.filter(enterprise=first, link=pool["links"][0]).delete()

    snap = builder.rebuild_snapshot(tmp_path / "snap")

    assert snap.meta["mode"] == "incremental"
    assert snap.meta["reread"] == 2  # the edited row and the new one, not the untouched second
    assert snap.meta["removed"] == 1
    assert snap.ids.tolist() == [first.pk, second.pk, newcomer.pk]
    assert snap.capital[row(snap, first)] == 9000
    assert snap.status[row(snap, newcomer)] == 2
    assert snap.links_of(row(snap, first))[0].tolist() == [pool["links"][1].pk]
    assert sn.load(tmp_path / "snap").ids.tolist() == snap.ids.tolist()


@pytest.mark.django_db
def test_incremental_rebuild_can_keep_the_link_assignments_it_has(pool, tmp_path):
    first = pool["enterprises"][0]
    builder.build_snapshot(tmp_path / "snap")
    EnterpriseLink.objects.filter(enterprise=first).delete()
    kept = builder.rebuild_snapshot(tmp_path / "snap", links=False)
    assert len(kept.links_of(row(kept, first))[0]) in (0, 2)  # re-read only if in the margin
    fresh = builder.rebuild_snapshot(tmp_path / "snap")
    assert fresh.links_of(row(fresh, first))[0].tolist() == []
