"""人工排除: "not on this link" by hand survives re-classification, like a manual assignment."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from chainvest.chains.loaders import load_chain_templates
from chainvest.chains.models import Link
from chainvest.enterprises.classification import (
    assign_manually,
    classify_enterprises,
    exclude_from_link,
    lift_exclusion,
)
from chainvest.enterprises.models import AssignmentSource, Enterprise, EnterpriseLink, LinkExclusion
from chainvest.regions.loaders import load_reference
from chainvest.regions.models import IndustryCode

END = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
WIND_SCOPE = "一般项目：风力发电机组及零部件制造；风电叶片制造；货物进出口" + END
NACELLES = "wind-power:nacelles"


def link(key: str) -> Link:
    chain, code = key.split(":")
    return Link.objects.get(chain__code=chain, code=code)


def enterprise(name: str, scope: str, industry: str) -> Enterprise:
    code = IndustryCode.objects.get(code=industry)
    return Enterprise.objects.create(name=name, business_scope=scope, industry=code)


def placed(company: Enterprise, source: str | None = None) -> dict[str, EnterpriseLink]:
    rows = EnterpriseLink.objects.filter(enterprise=company).select_related("link__chain")
    if source:
        rows = rows.filter(source=source)
    return {f"{r.link.chain.code}:{r.link.code}": r for r in rows}


@pytest.fixture
def chains(db):
    load_reference()
    load_chain_templates()


@pytest.fixture
def company(chains) -> Enterprise:
    company = enterprise("示例风电装备有限公司", WIND_SCOPE, "3415")
    classify_enterprises()
    assert NACELLES in placed(company, AssignmentSource.AUTO)
    return company


def test_excluding_takes_the_enterprise_off_the_link_and_records_who_and_why(company, cast):
    row = exclude_from_link(cast["analyst"], company, link(NACELLES), "  只做塔筒，不做整机  ")
    assert NACELLES not in placed(company)
    assert row.note == "只做塔筒，不做整机" and row.created_by == cast["analyst"]
    assert LinkExclusion.objects.filter(enterprise=company).count() == 1


def test_an_exclusion_survives_classify_all_and_counts_as_excluded(company, cast):
    exclude_from_link(cast["analyst"], company, link(NACELLES))
    others = set(placed(company)) - {NACELLES}
    counts = classify_enterprises(only_unplaced=False)
    assert counts["excluded"] == 1
    call_command("classify", "--all")
    assert NACELLES not in placed(company)
    assert set(placed(company)) == others and others  # the other links come back as before


def test_excluding_a_manual_assignment_removes_it_and_a_later_manual_one_wins(company, cast):
    target = link(NACELLES)
    assign_manually(cast["analyst"], company, target)
    exclude_from_link(cast["admin"], company, target)
    assert NACELLES not in placed(company)
    assign_manually(cast["analyst"], company, target, "复核后确认")
    assert not LinkExclusion.objects.filter(enterprise=company).exists()
    classify_enterprises(only_unplaced=False)
    assert placed(company)[NACELLES].source == AssignmentSource.MANUAL


def test_lifting_an_exclusion_lets_classification_place_it_again(company, cast):
    exclude_from_link(cast["analyst"], company, link(NACELLES))
    assert lift_exclusion(cast["analyst"], company, link(NACELLES)) is True
    assert lift_exclusion(cast["analyst"], company, link(NACELLES)) is False
    classify_enterprises([company.pk])
    assert NACELLES in placed(company, AssignmentSource.AUTO)


def test_only_admins_and_analysts_exclude(company, cast):
    target = link(NACELLES)
    for role in ("leader", "qitai"):
        with pytest.raises(PermissionDenied):
            exclude_from_link(cast[role], company, target)
    exclude_from_link(cast["admin"], company, target)
    with pytest.raises(PermissionDenied):
        lift_exclusion(cast["leader"], company, target)
    assert LinkExclusion.objects.filter(enterprise=company).count() == 1
    assert NACELLES not in placed(company)
