"""Classification of the pool: bulk replacement of automatic rows, manual rows win, evaluation."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from chainvest.chains.loaders import load_chain_templates
from chainvest.chains.models import Link
from chainvest.enterprises.classification import (
    assign_manually,
    classify_enterprises,
    evaluate,
    remove_assignment,
)
from chainvest.enterprises.models import AssignmentSource, Enterprise, EnterpriseLink
from chainvest.regions.loaders import load_reference
from chainvest.regions.models import IndustryCode

LABELLED = Path(__file__).resolve().parents[2] / "data" / "labelled" / "enterprises.csv"
END = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
WIND_SCOPE = "一般项目：风力发电机组及零部件制造；风电叶片制造；货物进出口" + END
# Measured on the labelled set: link-level precision 0.823, recall 0.904 (docs/classification.md).
PRECISION_FLOOR, RECALL_FLOOR = 0.75, 0.85


@pytest.fixture
def chains(db):
    load_reference()
    load_chain_templates()


def link(key: str) -> Link:
    chain, code = key.split(":")
    return Link.objects.get(chain__code=chain, code=code)


def enterprise(name: str, scope: str, industry: str | None = None) -> Enterprise:
    code = IndustryCode.objects.get(code=industry) if industry else None
    return Enterprise.objects.create(name=name, business_scope=scope, industry=code)


def placed(company: Enterprise, source: str | None = None) -> dict[str, EnterpriseLink]:
    rows = EnterpriseLink.objects.filter(enterprise=company).select_related("link__chain")
    if source:
        rows = rows.filter(source=source)
    return {f"{r.link.chain.code}:{r.link.code}": r for r in rows}


def test_classify_writes_automatic_rows_with_confidence_and_reasons(chains):
    company = enterprise("示例风电装备有限公司", WIND_SCOPE, "3415")
    counts = classify_enterprises()
    rows = placed(company)
    nacelles = rows["wind-power:nacelles"]
    assert nacelles.source == AssignmentSource.AUTO and 0.5 <= nacelles.confidence <= 1
    assert "经营范围含「风力发电机组及零部件制造」（首项，主营）" in nacelles.reasons
    assert "国标行业 3415 风能原动设备制造 属于该环节" in nacelles.reasons
    assert counts["enterprises"] == 1 and counts["links"] == len(rows) >= 2


def test_boilerplate_and_negations_place_nothing(chains):
    company = enterprise(
        "示例餐饮管理有限公司",
        "许可项目：餐饮服务（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
        "一般项目：餐饮管理；食品销售（不含危险化学品仓储、电解铝生产）" + END,
        "6210",
    )
    classify_enterprises()
    assert placed(company) == {}


def test_reclassifying_replaces_automatic_rows_instead_of_duplicating_them(chains):
    company = enterprise("示例风电装备有限公司", WIND_SCOPE, "3415")
    classify_enterprises()
    first = set(placed(company))
    classify_enterprises()
    assert set(placed(company)) == first
    assert EnterpriseLink.objects.filter(enterprise=company).count() == len(first)
    company.business_scope = "一般项目：电解铝；铝锭生产" + END
    company.save()
    classify_enterprises([company.pk])
    now = set(placed(company))
    assert "aluminium:electrolysis" in now and not any(k.startswith("wind-power") for k in now)


def test_manual_assignments_survive_reclassification_and_block_automatic_rows(chains, cast):
    company = enterprise("示例风电装备有限公司", WIND_SCOPE, "3415")
    classify_enterprises()
    assign_manually(cast["analyst"], company, link("wind-power:nacelles"), "现场核实")
    assign_manually(cast["analyst"], company, link("dairy:liquid-milk"))
    counts = classify_enterprises(only_unplaced=False)
    manual = placed(company, AssignmentSource.MANUAL)
    assert set(manual) == {"wind-power:nacelles", "dairy:liquid-milk"}
    assert manual["wind-power:nacelles"].reasons == ["人工指定（t_analyst）：现场核实"]
    assert "wind-power:nacelles" not in placed(company, AssignmentSource.AUTO)
    assert counts["manual_kept"] == 1


def test_classifying_given_ids_leaves_other_enterprises_untouched(chains, cast):
    first = enterprise("示例风电装备有限公司", WIND_SCOPE, "3415")
    second = enterprise("示例铝业有限公司", "一般项目：电解铝；铝锭生产" + END, "3216")
    classify_enterprises()
    before = {row.pk: row.confidence for row in EnterpriseLink.objects.filter(enterprise=second)}
    first.business_scope = "一般项目：乳制品生产" + END
    first.save()
    classify_enterprises([first.pk])
    after = {row.pk: row.confidence for row in EnterpriseLink.objects.filter(enterprise=second)}
    assert after == before and before
    assert set(placed(first)) == {"dairy:dairy-processing"}


def test_default_run_only_takes_enterprises_without_any_link(chains):
    placed_one = enterprise("示例风电装备有限公司", WIND_SCOPE, "3415")
    classify_enterprises()
    fresh = enterprise("示例铝业有限公司", "一般项目：电解铝" + END, "3216")
    counts = classify_enterprises(only_unplaced=True)
    assert counts["enterprises"] == 1 and placed(fresh) and placed(placed_one)


def test_only_admins_and_analysts_change_assignments(chains, cast):
    company = enterprise("示例风电装备有限公司", WIND_SCOPE, "3415")
    target = link("wind-power:blades")
    for role in ("leader", "qitai"):
        with pytest.raises(PermissionDenied):
            assign_manually(cast[role], company, target)
    assign_manually(cast["admin"], company, target)
    with pytest.raises(PermissionDenied):
        remove_assignment(cast["leader"], company, target)
    assert remove_assignment(cast["admin"], company, target) is True
    assert remove_assignment(cast["admin"], company, target) is False


def test_manual_assignment_turns_an_automatic_row_into_a_manual_one(chains, cast):
    company = enterprise("示例风电装备有限公司", WIND_SCOPE, "3415")
    classify_enterprises()
    row = assign_manually(cast["analyst"], company, link("wind-power:nacelles"))
    assert row.source == AssignmentSource.MANUAL and row.confidence == 1.0
    assert EnterpriseLink.objects.filter(enterprise=company, link=row.link).count() == 1


def test_command_prints_counts(chains, capsys):
    enterprise("示例风电装备有限公司", WIND_SCOPE, "3415")
    call_command("classify", "--all")
    assert "已分类企业 1 家" in capsys.readouterr().out


def test_labelled_set_reaches_the_measured_precision_and_recall(chains):
    result = evaluate(LABELLED)
    assert result["rows"] >= 300 and len(result["link"]["chains"]) >= 10
    link_level = result["link"]["overall"]
    assert link_level["precision"] >= PRECISION_FLOOR
    assert link_level["recall"] >= RECALL_FLOOR
    assert result["chain"]["overall"]["precision"] >= link_level["precision"]


def test_evaluate_command_prints_per_chain_figures(chains, capsys):
    call_command("classify", "--evaluate", str(LABELLED))
    out = capsys.readouterr().out
    assert "环节级（微平均）" in out and "产业链级（微平均）" in out and "wind-power" in out


def test_a_labelled_file_with_an_unknown_link_is_refused_naming_the_row(chains, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "name,business_scope,industry_code,expected_links\n示例公司,风电叶片制造,,wind-power:nope\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="第 2 行"):
        evaluate(path)
