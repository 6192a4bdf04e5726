"""Whom to bring: targets for a link from the database, the command, the export, conversion."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from chainvest.chains import targeting
from chainvest.chains.targeting import rank_targets
from chainvest.chains.targeting_export import targets_xlsx
from chainvest.chains.targeting_services import convert_target
from chainvest.enterprises.models import Enterprise, EnterpriseLink, EnterpriseRelation
from chainvest.projects.models import Engagement, Project
from chainvest.projects.services import create_project

from .conftest import D


@pytest.fixture(autouse=True)
def _fresh_pool():
    targeting._CACHE.clear()


@pytest.fixture
def ties(shop):
    """外地parts1 supplies the local chain leader; 外地parts0 also smelts (a link we have)."""
    parts0 = Enterprise.objects.get(name="外地parts0")
    parts1 = Enterprise.objects.get(name="外地parts1")
    EnterpriseRelation.objects.create(source=parts1, target=shop.leader, kind="supplies")
    EnterpriseLink.objects.create(enterprise=parts0, link=shop.links["smelting"], source="auto")
    return {"parts0": parts0, "parts1": parts1}


def names(targets):
    return [t.name for t in targets]


def test_targets_are_outside_the_prefecture_ranked_with_the_leader_tie_first(shop, ties):
    result = rank_targets(shop.links["parts"])
    assert names(result.targets) == ["外地parts1", "外地parts0"]  # the archived local is out
    first, second = result.targets
    assert first.contributions["ties"] == 20.0
    assert second.contributions["fit"] == 15.0 and second.contributions["ties"] == 0
    assert any("本地总装链主" in r and "以商招商" in r for r in first.reasons)
    assert any("另有1个业务环节本地已有企业" in r for r in second.reasons)
    for t in result.targets:
        assert t.score == pytest.approx(sum(t.contributions.values()), abs=0.02)


def test_engaged_and_pipeline_enterprises_are_shown_apart_with_their_status(
    shop, ties, cast, changji
):
    Engagement.objects.create(enterprise=ties["parts0"], date=D(2024, 1, 5), kind="visit")
    project = create_project(
        cast["qitai"],
        {"name": "零件项目", "county_id": changji["qitai"].id, "investor_id": ties["parts1"].id},
    )
    result = rank_targets(shop.links["parts"])
    assert result.targets == []
    assert {t.name: t.status for t in result.known} == {
        "外地parts0": "已对接",
        "外地parts1": "项目库：线索",
    }
    assert project.pk


def test_weights_from_the_caller_change_the_order(shop, ties):
    result = rank_targets(shop.links["parts"], weights={"ties": 0, "fit": 100, "link": 0})
    assert names(result.targets)[0] == "外地parts0"
    assert sum(result.weights.values()) == pytest.approx(100)


def test_command_prints_the_same_list_as_json(shop, ties):
    out = io.StringIO()
    call_command("targets", "--link", str(shop.links["parts"].id), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert [t["name"] for t in data["targets"]] == ["外地parts1", "外地parts0"]
    assert data["targets"][0]["rank"] == 1 and data["targets"][0]["reasons"]
    assert data["link"]["name"] == "parts"


def test_command_table_and_bad_input(shop, ties):
    out = io.StringIO()
    call_command("targets", "--link", str(shop.links["parts"].id), "--top", "1", stdout=out)
    assert "外地parts1" in out.getvalue() and "外地parts0" not in out.getvalue()
    with pytest.raises(CommandError, match="--link"):
        call_command("targets", "--link", "999999")
    with pytest.raises(CommandError, match="--weight"):
        call_command("targets", "--link", str(shop.links["parts"].id), "--weight", "size=3")


def test_export_lists_targets_with_parts_and_reasons(shop, ties):
    import openpyxl

    data = targets_xlsx(rank_targets(shop.links["parts"]), dt.datetime(2025, 1, 2, 3, 4, 5))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["招商目标"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][:4] == ("排名", "企业名称", "所在地区", "得分")
    assert rows[1][1] == "外地parts1" and "以商招商" in rows[1][-1]
    assert rows[1][3] == pytest.approx(sum(rows[1][4:9]), abs=0.05)
    assert rows[-1][0] == "共 2 条"


def test_analyst_turns_a_target_into_a_lead_for_a_county(shop, ties, cast, changji):
    lead = convert_target(
        cast["analyst"],
        ties["parts1"],
        shop.links["parts"],
        "lead",
        changji["qitai"],
        cast["qitai"],
        55.0,
        ["是本地链主的上下游伙伴。"],
    )
    lead.refresh_from_db()
    assert (lead.stage, lead.investor, lead.link, lead.county) == (
        "lead",
        ties["parts1"],
        shop.links["parts"],
        changji["qitai"],
    )
    assert lead.officer == cast["qitai"] and "得分 55.0" in lead.source
    assert lead.history.count() == 1
    assert names(rank_targets(shop.links["parts"]).targets) == ["外地parts0"]


def test_officer_converts_only_for_their_county(shop, ties, cast, changji):
    visit = convert_target(
        cast["qitai"], ties["parts0"], shop.links["parts"], "engagement", changji["qitai"]
    )
    assert visit.officer == cast["qitai"] and visit.chain == shop.chain
    with pytest.raises(PermissionDenied):
        convert_target(cast["mulei"], ties["parts1"], shop.links["parts"], "lead", changji["qitai"])
    with pytest.raises(PermissionDenied):
        convert_target(
            cast["leader"], ties["parts1"], shop.links["parts"], "lead", changji["qitai"]
        )
    assert not Project.objects.exists()


def test_conversion_refuses_bad_input_and_changes_nothing(shop, ties, cast, changji):
    with pytest.raises(ValidationError) as bad:
        convert_target(cast["admin"], ties["parts1"], shop.links["parts"], "call", changji["qitai"])
    assert "kind" in bad.value.message_dict
    with pytest.raises(ValidationError) as wrong:
        convert_target(
            cast["admin"],
            ties["parts1"],
            shop.links["parts"],
            "lead",
            changji["qitai"],
            cast["mulei"],
        )
    assert "officer" in wrong.value.message_dict
    with pytest.raises(ValidationError):
        convert_target(cast["admin"], ties["parts1"], shop.links["parts"], "lead", shop.elsewhere)
    assert not Project.objects.exists() and not Engagement.objects.exists()
