"""`chainvest backup` / `chainvest restore`: a round trip gives back every table, row for row."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from chainvest.accounts.backup import fingerprints
from chainvest.accounts.services import create_user
from chainvest.projects.models import Project
from chainvest.projects.services import create_project, transition_project


@pytest.fixture
def filled(transactional_db, cast, changji):
    """A few users, a project with a stage change and its history: enough rows in every kind."""
    project = create_project(
        cast["qitai"],
        {"name": "奇台风电项目", "county_id": changji["qitai"].id, "agreed": "5亿元"},
        lead_date=dt.date(2023, 1, 10),
    )
    transition_project(cast["qitai"], project, "negotiating", {"negotiating": dt.date(2023, 2, 1)})
    return project


def test_round_trip_gives_back_every_table(filled, tmp_path):
    before = fingerprints()
    call_command("backup", str(tmp_path / "cv.bak"))
    Project.objects.all().delete()
    create_user("intruder", "test-pass-123", "analyst")
    assert fingerprints() != before

    call_command("restore", str(tmp_path / "cv.bak"), "--force")

    after = fingerprints()
    assert after == before
    assert after["projects_project"][0] == 1
    assert after["accounts_profile"][0] == 5


def test_restore_refuses_to_overwrite_data_without_force(filled, tmp_path):
    call_command("backup", str(tmp_path / "cv.bak"))
    Project.objects.all().delete()
    before = fingerprints()

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(tmp_path / "cv.bak"))

    assert fingerprints() == before


def test_restore_into_an_empty_database_needs_no_force(filled, tmp_path):
    before = fingerprints()
    call_command("backup", str(tmp_path / "cv.bak"))
    call_command("flush", "--noinput")

    call_command("restore", str(tmp_path / "cv.bak"))

    assert fingerprints() == before


def test_restore_rejects_a_file_that_is_not_a_backup(filled, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    before = fingerprints()

    with pytest.raises(CommandError, match="不是"):
        call_command("restore", str(junk), "--force")
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "missing.bak"), "--force")

    assert fingerprints() == before
