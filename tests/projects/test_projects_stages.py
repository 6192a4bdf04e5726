"""The stage service: forward needs dates, backward is a recorded correction, nothing half-done."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainvest.projects.models import Project, ProjectStage, StageChange
from chainvest.projects.services import (
    StageError,
    add_follow_up,
    create_project,
    transition_project,
    update_project,
)

D = dt.date


@pytest.fixture
def project(cast, changji):
    return create_project(
        cast["qitai"],
        {"name": "智慧能源装备基地", "county_id": changji["qitai"].id, "agreed": "100亿元"},
        lead_date=D(2023, 3, 1),
    )


def snapshot(project):
    row = Project.objects.get(pk=project.pk)
    return {f.attname: getattr(row, f.attname) for f in Project._meta.concrete_fields}


def test_new_project_starts_as_a_dated_lead(project):
    assert project.stage == ProjectStage.LEAD
    assert project.lead_date == D(2023, 3, 1)
    assert project.agreed_min_wan == project.agreed_max_wan == 1_000_000


def test_moving_forward_records_the_date_and_the_change(cast, project):
    change = transition_project(
        cast["qitai"], project, "negotiating", {"negotiating": D(2023, 4, 2)}
    )
    project.refresh_from_db()
    assert project.stage == "negotiating"
    assert project.negotiating_date == D(2023, 4, 2)
    assert (change.from_stage, change.to_stage, change.is_correction) == (
        "lead",
        "negotiating",
        False,
    )


def test_skipping_stages_needs_every_skipped_stage_date(cast, project):
    before = snapshot(project)
    with pytest.raises(StageError, match="签约日期"):
        transition_project(
            cast["qitai"],
            project,
            "registered",
            {"negotiating": D(2023, 4, 1), "registered": D(2023, 6, 1)},
        )
    assert snapshot(project) == before
    assert not StageChange.objects.exists()


def test_skipping_stages_with_all_dates_is_allowed(cast, project):
    dates = {"negotiating": D(2023, 4, 1), "signed": D(2023, 5, 1), "registered": D(2023, 6, 1)}
    transition_project(cast["qitai"], project, "registered", dates)
    project.refresh_from_db()
    assert (project.stage, project.signed_date) == ("registered", D(2023, 5, 1))


def test_stage_dates_must_not_go_backwards_in_time(cast, project):
    with pytest.raises(StageError, match="不能早于上一阶段日期"):
        transition_project(cast["qitai"], project, "negotiating", {"negotiating": D(2023, 1, 1)})


def test_future_dates_are_refused(cast, project):
    with pytest.raises(StageError, match="不能晚于今天"):
        transition_project(cast["qitai"], project, "negotiating", {"negotiating": D(2999, 1, 1)})


def test_going_back_without_correction_is_refused_and_changes_nothing(cast, project):
    transition_project(cast["qitai"], project, "negotiating", {"negotiating": D(2023, 4, 1)})
    before = snapshot(project)
    with pytest.raises(StageError, match="更正"):
        transition_project(cast["qitai"], project, "lead")
    assert snapshot(project) == before


def test_correction_needs_a_reason(cast, project):
    transition_project(cast["qitai"], project, "negotiating", {"negotiating": D(2023, 4, 1)})
    with pytest.raises(StageError, match="更正原因"):
        transition_project(cast["qitai"], project, "lead", correction=True)


def test_correction_goes_back_clears_later_dates_and_is_recorded(cast, project):
    dates = {"negotiating": D(2023, 4, 1), "signed": D(2023, 5, 1)}
    transition_project(cast["qitai"], project, "signed", dates)
    change = transition_project(
        cast["qitai"], project, "negotiating", reason="协议尚未正式签署", correction=True
    )
    project.refresh_from_db()
    assert (project.stage, project.signed_date, project.negotiating_date) == (
        "negotiating",
        None,
        D(2023, 4, 1),
    )
    assert change.is_correction and change.reason == "协议尚未正式签署"


def test_termination_needs_a_reason_and_keeps_history(cast, project):
    with pytest.raises(StageError, match="终止原因"):
        transition_project(cast["qitai"], project, "terminated")
    transition_project(
        cast["qitai"], project, "terminated", {"terminated": D(2023, 7, 1)}, reason="投资方撤回"
    )
    project.refresh_from_db()
    assert (project.stage, project.terminated_reason) == ("terminated", "投资方撤回")
    assert project.history.count() == 2


def test_reopening_a_terminated_project_is_a_correction(cast, project):
    transition_project(cast["qitai"], project, "terminated", reason="投资方撤回")
    with pytest.raises(StageError):
        transition_project(cast["qitai"], project, "negotiating", {"negotiating": D(2023, 4, 1)})
    transition_project(cast["qitai"], project, "lead", reason="投资方重新洽谈", correction=True)
    project.refresh_from_db()
    assert (project.stage, project.terminated_date) == ("lead", None)


def test_same_stage_and_unknown_stage_are_refused(cast, project):
    with pytest.raises(StageError, match="已处于"):
        transition_project(cast["qitai"], project, "lead")
    with pytest.raises(StageError, match="未知"):
        transition_project(cast["qitai"], project, "flying")


def test_officer_cannot_move_other_county_project(cast, project):
    before = snapshot(project)
    with pytest.raises(PermissionDenied):
        transition_project(cast["mulei"], project, "negotiating", {"negotiating": D(2023, 4, 1)})
    assert snapshot(project) == before


@pytest.mark.parametrize("who", ["leader", "analyst", "mulei"])
def test_only_own_county_officer_or_admin_edits(cast, project, who):
    before = snapshot(project)
    with pytest.raises(PermissionDenied):
        update_project(cast[who], project, {"name": "改名"})
    assert snapshot(project) == before


def test_officer_cannot_move_own_project_into_another_county(cast, changji, project):
    with pytest.raises(PermissionDenied):
        update_project(cast["qitai"], project, {"county_id": changji["mulei"].id})
    assert Project.objects.get(pk=project.pk).county_id == changji["qitai"].id


def test_officer_cannot_create_in_another_county(cast, changji):
    with pytest.raises(PermissionDenied):
        create_project(cast["qitai"], {"name": "x", "county_id": changji["mulei"].id})
    assert not Project.objects.exists()


def test_bad_amount_is_refused_naming_the_field(cast, changji):
    with pytest.raises(ValidationError) as info:
        create_project(
            cast["qitai"], {"name": "x", "county_id": changji["qitai"].id, "agreed": "很多"}
        )
    assert "agreed" in info.value.message_dict
    assert not Project.objects.exists()


def test_bounds_stay_bounds(cast, changji):
    project = create_project(
        cast["qitai"],
        {"name": "产业园", "county_id": changji["qitai"].id, "planned": "百亿元以上"},
    )
    assert (project.planned_min_wan, project.planned_max_wan) == (1_000_000, None)
    assert project.planned.describe() == "100亿元以上"


def test_every_edit_is_kept_in_history_with_user_and_before_after(cast, project):
    update_project(cast["qitai"], project, {"name": "智慧能源装备产业园"})
    latest, previous = project.history.all()[:2]
    assert latest.history_user == cast["qitai"]
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("name", "智慧能源装备基地", "智慧能源装备产业园")
    ]


def test_follow_up_needs_a_note_and_sane_dates(cast, project):
    with pytest.raises(ValidationError) as info:
        add_follow_up(cast["qitai"], project, D(2023, 5, 1), "", due_date=D(2023, 4, 1))
    assert set(info.value.message_dict) == {"note", "due_date"}
    fu = add_follow_up(cast["qitai"], project, D(2023, 5, 1), "上门拜访", "报送方案", D(2023, 6, 1))
    assert fu.author == cast["qitai"]
    with pytest.raises(PermissionDenied):
        add_follow_up(cast["mulei"], project, D(2023, 5, 1), "越权")
