"""Merging duplicates moves everything to the survivor; undo restores every row exactly."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from chainvest.enterprises.duplicates import detect_all
from chainvest.enterprises.models import (
    CandidateStatus,
    DuplicateCandidate,
    Enterprise,
    EnterpriseLink,
    EnterpriseRelation,
    MergeRecord,
)
from chainvest.enterprises.services import MergeError, link_branch, merge_enterprises, undo_merge
from chainvest.projects.models import Engagement, Project
from tests.enterprises.test_duplicates_factories import enterprise, uscc
from tests.web import factories as f

SNAPSHOT_MODELS = [Enterprise, Project, Engagement, EnterpriseLink, EnterpriseRelation]


def snapshot() -> dict[str, list[dict]]:
    """Every row of the tables a merge touches (history tables left aside)."""
    tables = {m.__name__: list(m.objects.order_by("pk").values()) for m in SNAPSHOT_MODELS}
    tables["DuplicateCandidate"] = list(
        DuplicateCandidate.objects.order_by("pk").values(
            "id", "first_id", "second_id", "reason", "status", "decided_by_id", "decided_at"
        )
    )
    return tables


@pytest.fixture
def pool(cast, changji):
    """Two records of one wind-power maker, with projects, contacts, links and ties each."""
    wind = f.chain()
    blade, tower, bearing = (
        f.link(wind, "blade", "叶片", "midstream"),
        f.link(wind, "tower", "塔筒", "midstream"),
        f.link(wind, "bearing", "轴承", "upstream"),
    )
    survivor = enterprise(
        "新疆天山（昌吉）风电有限公司",
        legal_representative="张三",
        former_names=["昌吉天山风电有限公司"],
        region=changji["changji"],
    )
    merged = enterprise(
        "新疆天山(昌吉)风电有限公司",
        uscc=uscc(7),
        legal_representative="李四",
        established_date=dt.date(2012, 5, 8),
        registered_capital_wan=Decimal("5000"),
        registered_capital_text="5000万元",
        business_scope="风力发电机组叶片的生产和销售",
        region=changji["qitai"],
        is_listed=True,
    )
    supplier, customer, investor = (
        enterprise("上海申能轴承有限公司"),
        enterprise("新疆华电风电场有限公司"),
        enterprise("新疆风能投资集团有限公司"),
    )
    admin = cast["admin"]
    for owner, name in [(survivor, "叶片扩产项目"), (merged, "塔筒制造项目"), (merged, "运维中心")]:
        f.project(admin, changji["qitai"], name, investor_id=owner.pk, signed=dt.date(2023, 3, 1))
    for owner in (survivor, merged, merged):
        Engagement.objects.create(enterprise=owner, date=dt.date(2023, 2, 1), kind="visit")
    EnterpriseLink.objects.create(enterprise=survivor, link=blade, source="auto", confidence=0.6)
    EnterpriseLink.objects.create(enterprise=merged, link=blade, source="manual", confidence=1)
    EnterpriseLink.objects.create(enterprise=survivor, link=tower, source="manual", confidence=1)
    EnterpriseLink.objects.create(enterprise=merged, link=tower, source="auto", confidence=0.9)
    EnterpriseLink.objects.create(enterprise=merged, link=bearing, source="auto", confidence=0.4)
    EnterpriseLink.objects.create(enterprise=survivor, link=bearing, source="auto", confidence=0.4)
    ties = [
        (supplier, survivor, "supplies"),
        (supplier, merged, "supplies"),  # becomes a duplicate tie
        (merged, customer, "supplies"),  # moves
        (investor, merged, "invests_in"),  # moves
        (merged, survivor, "buys_from"),  # becomes a self-tie
    ]
    for source, target, kind in ties:
        EnterpriseRelation.objects.create(source=source, target=target, kind=kind)
    detect_all()
    return {"survivor": survivor, "merged": merged, "links": (blade, tower, bearing), **cast}


def merge(pool, user=None):
    candidate = DuplicateCandidate.objects.get()
    return merge_enterprises(user or pool["analyst"], pool["survivor"], pool["merged"], candidate)


@pytest.mark.django_db
def test_merge_moves_projects_engagements_links_and_relations(pool):
    survivor, merged = pool["survivor"], pool["merged"]
    merge(pool)
    assert Project.objects.filter(investor=survivor).count() == 3
    assert Engagement.objects.filter(enterprise=survivor).count() == 3
    assert not Project.objects.filter(investor=merged).exists()
    assert not Engagement.objects.filter(enterprise=merged).exists()
    assert not EnterpriseLink.objects.filter(enterprise=merged).exists()
    assert not EnterpriseRelation.objects.filter(source=merged).exists()
    assert not EnterpriseRelation.objects.filter(target=merged).exists()


@pytest.mark.django_db
def test_manual_link_wins_and_exact_duplicates_are_dropped(pool):
    blade, tower, bearing = pool["links"]
    merge(pool)
    held = {
        row.link_id: (row.source, row.confidence)
        for row in EnterpriseLink.objects.filter(enterprise=pool["survivor"])
    }
    assert held == {blade.id: ("manual", 1.0), tower.id: ("manual", 1.0), bearing.id: ("auto", 0.4)}


@pytest.mark.django_db
def test_relations_are_repointed_without_self_ties_or_duplicates(pool):
    merge(pool)
    ties = sorted(
        (r.source.name, r.target.name, r.kind)
        for r in EnterpriseRelation.objects.select_related("source", "target")
    )
    name = pool["survivor"].name
    assert ties == sorted(
        [
            ("上海申能轴承有限公司", name, "supplies"),
            (name, "新疆华电风电场有限公司", "supplies"),
            ("新疆风能投资集团有限公司", name, "invests_in"),
        ]
    )


@pytest.mark.django_db
def test_survivor_takes_missing_fields_and_the_merged_name(pool):
    merge(pool)
    survivor = Enterprise.objects.get(pk=pool["survivor"].pk)
    merged = Enterprise.objects.get(pk=pool["merged"].pk)
    assert survivor.legal_representative == "张三"  # filled fields are kept
    assert survivor.uscc == uscc(7)
    assert survivor.established_date == dt.date(2012, 5, 8)
    assert survivor.registered_capital_text == "5000万元"
    assert survivor.business_scope == "风力发电机组叶片的生产和销售"
    assert survivor.region.code == "652301"
    assert survivor.is_listed
    assert survivor.former_names == ["昌吉天山风电有限公司", "新疆天山(昌吉)风电有限公司"]
    assert (merged.archived, merged.merged_into, merged.uscc) == (True, survivor, None)
    assert DuplicateCandidate.objects.get().status == CandidateStatus.MERGED


@pytest.mark.django_db
def test_merge_keeps_history_for_both_with_the_user(pool):
    merge(pool)
    for enterprise_ in (pool["survivor"], pool["merged"]):
        latest = Enterprise.objects.get(pk=enterprise_.pk).history.first()
        assert latest.history_user == pool["analyst"]
        assert "企业合并" in latest.history_change_reason
    moved = Project.objects.filter(investor=pool["survivor"], name="塔筒制造项目").get()
    assert moved.history.first().history_user == pool["analyst"]


@pytest.mark.django_db
def test_undo_restores_every_row_exactly(pool):
    before = snapshot()
    record = merge(pool)
    assert snapshot() != before
    undo_merge(pool["analyst"], MergeRecord.objects.get(pk=record.pk))
    assert snapshot() == before


@pytest.mark.django_db
def test_undo_is_recorded_in_history_and_on_the_record(pool):
    record = undo_merge(pool["admin"], merge(pool))
    assert record.undone_by == pool["admin"] and record.undone_at is not None
    merged = Enterprise.objects.get(pk=pool["merged"].pk)
    assert merged.history.first().history_change_reason == "撤销企业合并"
    assert merged.history.count() == 3  # created, merged, restored


@pytest.mark.django_db
def test_undo_twice_is_refused_with_a_clear_message(pool):
    record = merge(pool)
    undo_merge(pool["analyst"], record)
    after_first_undo = snapshot()
    with pytest.raises(MergeError, match="已于 .* 撤销，不能重复撤销"):
        undo_merge(pool["analyst"], record)
    assert snapshot() == after_first_undo


@pytest.mark.django_db
def test_merged_away_enterprise_cannot_be_merged_again(pool):
    merge(pool)
    other = enterprise("新疆天山(昌吉)风电有限公司分部")
    with pytest.raises(MergeError, match="已归档或已合并"):
        merge_enterprises(pool["analyst"], other, Enterprise.objects.get(pk=pool["merged"].pk))


@pytest.mark.django_db
def test_merge_without_a_candidate_closes_the_open_pair(pool):
    merge_enterprises(pool["analyst"], pool["survivor"], pool["merged"])
    assert DuplicateCandidate.objects.get().status == CandidateStatus.MERGED


@pytest.mark.django_db
def test_undo_of_a_merge_whose_survivor_was_merged_later_is_refused(pool):
    first = merge(pool)
    third = enterprise("新疆天山昌吉风电有限公司")
    merge_enterprises(pool["analyst"], third, Enterprise.objects.get(pk=pool["survivor"].pk))
    with pytest.raises(MergeError, match="请先撤销"):
        undo_merge(pool["analyst"], first)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "qitai"])
def test_leader_and_officer_cannot_merge_and_nothing_changes(pool, role):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        merge(pool, user=pool[role])
    assert snapshot() == before
    assert not MergeRecord.objects.exists()


@pytest.mark.django_db
def test_a_branch_becomes_an_investment_tie_from_its_parent(cast):
    parent = enterprise("特变电工股份有限公司")
    branch = enterprise("特变电工股份有限公司昌吉分公司")
    detect_all()
    relation = link_branch(cast["analyst"], DuplicateCandidate.objects.get())
    assert (relation.source, relation.target, relation.kind) == (parent, branch, "invests_in")
    assert DuplicateCandidate.objects.get().status == CandidateStatus.DISMISSED
    assert detect_all() == 0
