"""Duplicate detection: each reason kind, no false pairs, dismissed pairs stay dismissed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainvest.enterprises.duplicates import detect_all, detect_for, fill_name_keys
from chainvest.enterprises.models import (
    CandidateStatus,
    DuplicateCandidate,
    DuplicateReason,
    Enterprise,
)
from chainvest.enterprises.services import dismiss_candidate
from tests.enterprises.test_duplicates_factories import enterprise, pairs, uscc

pytestmark = pytest.mark.django_db


def test_full_width_and_half_width_brackets_are_one_name():
    a = enterprise("新疆天山（昌吉）风电有限公司", uscc=uscc(1))
    b = enterprise("新疆天山(昌吉)风电有限公司")
    assert detect_all() == 1
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.first, candidate.second) == (a, b)
    assert candidate.reason == DuplicateReason.SAME_NAME
    assert candidate.status == CandidateStatus.OPEN


def test_stray_spaces_do_not_hide_a_duplicate():
    enterprise("昌吉 准东 煤业 有限公司")
    enterprise("昌吉准东煤业有限公司")
    assert detect_all() == 1
    assert set(pairs().values()) == {DuplicateReason.SAME_NAME}


def test_same_name_with_two_different_usccs_is_two_legal_entities():
    enterprise("新疆鑫源商贸有限公司", uscc=uscc(1))
    enterprise("新疆鑫源商贸有限公司", uscc=uscc(2))
    assert detect_all() == 0


def test_a_name_equal_to_another_former_name_is_a_candidate():
    enterprise("新疆准东特变能源有限责任公司", former_names=["新疆天池能源（准东）有限公司"])
    enterprise("新疆天池能源(准东)有限公司", uscc=uscc(3))
    assert detect_all() == 1
    assert pairs() == {
        ("新疆准东特变能源有限责任公司", "新疆天池能源(准东)有限公司"): DuplicateReason.FORMER_NAME
    }


def test_a_branch_of_a_pool_enterprise_is_raised_as_branch():
    enterprise("特变电工股份有限公司", uscc=uscc(4))
    enterprise("特变电工股份有限公司昌吉分公司", uscc=uscc(5))
    assert detect_all() == 1
    assert list(pairs().values()) == [DuplicateReason.BRANCH]
    assert DuplicateCandidate.objects.get().score < 1


def test_merely_similar_names_are_not_paired():
    enterprise("新疆东方风电有限公司")
    enterprise("新疆东方风电设备有限公司")
    enterprise("东方风电（新疆）有限公司")
    enterprise("新疆东方电气有限公司分公司筹备组")  # not a branch ending
    assert detect_all() == 0


def test_a_dismissed_pair_is_not_raised_again(cast):
    enterprise("新疆天山（昌吉）风电有限公司", uscc=uscc(1))
    enterprise("新疆天山(昌吉)风电有限公司")
    detect_all()
    dismiss_candidate(cast["analyst"], DuplicateCandidate.objects.get())
    assert detect_all() == 0
    assert detect_for(Enterprise.objects.values_list("id", flat=True)) == 0
    assert DuplicateCandidate.objects.get().status == CandidateStatus.DISMISSED


def test_running_detection_twice_adds_nothing():
    enterprise("新疆天山（昌吉）风电有限公司")
    enterprise("新疆天山(昌吉)风电有限公司")
    enterprise("特变电工股份有限公司")
    enterprise("特变电工股份有限公司昌吉分公司")
    assert detect_all() == 2
    assert detect_all() == 0
    assert DuplicateCandidate.objects.count() == 2


def test_pairs_are_stored_smaller_id_first_whatever_the_direction():
    branch = enterprise("特变电工股份有限公司昌吉分公司")
    parent = enterprise("特变电工股份有限公司")
    detect_all()
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.first, candidate.second) == (branch, parent)


def test_detect_for_finds_pairs_of_new_rows_against_the_whole_pool():
    enterprise("新疆天山(昌吉)风电有限公司")
    enterprise("特变电工股份有限公司")
    enterprise("新疆准东特变能源有限责任公司", former_names=["新疆天池能源有限公司"])
    enterprise("无关企业一有限公司")
    enterprise("无关企业一有限公司")  # an old pair the new rows do not touch
    new = [
        enterprise("新疆天山（昌吉）风电有限公司", keyed=False),
        enterprise("特变电工股份有限公司奇台分公司", keyed=False),
        enterprise("新疆天池能源有限公司", keyed=False),
    ]
    assert detect_for([e.pk for e in new]) == 3
    assert sorted(pairs().values()) == ["branch", "former_name", "name"]


def test_detect_for_finds_a_new_parent_of_existing_branches_and_former_names():
    enterprise("特变电工股份有限公司昌吉分公司")
    enterprise("新疆准东特变能源有限责任公司", former_names=["新疆天池能源有限公司"])
    parent = enterprise("特变电工股份有限公司", keyed=False)
    renamed = enterprise("新疆天池能源有限公司", keyed=False)
    assert detect_for([parent.pk, renamed.pk]) == 2
    assert sorted(pairs().values()) == ["branch", "former_name"]


def test_the_strongest_reason_wins_for_one_pair():
    # The vendor also lists the half-width spelling as a former name: same name and 曾用名.
    enterprise("新疆天池能源（集团）有限公司", former_names=["新疆天池能源(集团)有限公司"])
    enterprise("新疆天池能源(集团)有限公司")
    assert detect_all() == 1
    assert list(pairs().values()) == [DuplicateReason.SAME_NAME]


def test_archived_enterprises_are_left_out():
    enterprise("新疆天山(昌吉)风电有限公司", archived=True)
    enterprise("新疆天山（昌吉）风电有限公司")
    assert detect_all() == 0


def test_empty_name_keys_are_filled_in_bulk_before_detecting():
    for i in range(5):
        enterprise(f"企业{i}（昌吉）有限公司", keyed=False)
    assert fill_name_keys() == 5
    assert set(Enterprise.objects.values_list("name_key", flat=True)) == {
        f"企业{i}(昌吉)有限公司" for i in range(5)
    }


def test_detection_queries_do_not_grow_with_the_pool():
    def queries_for(n: int) -> int:
        Enterprise.objects.all().delete()
        for i in range(n):
            enterprise(f"新疆样本{i}（昌吉）有限公司", keyed=False)
            enterprise(f"新疆样本{i}(昌吉)有限公司", former_names=[f"旧名{i}有限公司"])
            enterprise(f"新疆样本{i}有限公司昌吉分公司")
        with CaptureQueriesContext(connection) as ctx:
            detect_all()
        return len(ctx.captured_queries)

    assert queries_for(40) == queries_for(5)


def test_a_name_borne_by_very_many_rows_pairs_each_with_the_first_only():
    rows = [enterprise("新疆昌吉个体经营部（待补全）") for _ in range(60)]
    assert detect_all() == 59
    assert set(DuplicateCandidate.objects.values_list("first_id", flat=True)) == {rows[0].pk}


def test_find_duplicates_command_fills_the_merge_queue(db):
    from io import StringIO

    from django.core.management import call_command

    from chainvest.enterprises.models import DuplicateCandidate, Enterprise

    Enterprise.objects.create(name="腾讯科技（深圳）有限公司")
    Enterprise.objects.create(name="腾讯科技(深圳)有限公司")
    out = StringIO()
    call_command("find-duplicates", stdout=out)
    assert "1 对" in out.getvalue()
    assert DuplicateCandidate.objects.count() == 1
    call_command("find-duplicates", stdout=out)
    assert DuplicateCandidate.objects.count() == 1
