"""Loading is idempotent, logs users in with the configured password, and rejects bad rows."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from chainvest.demo.loader import DemoDataError, load_demo
from chainvest.projects.models import Project
from chainvest.regions.loaders import load_reference

DEMO_DIR = Path(settings.DATA_DIR) / "demo"


def _snapshot() -> dict[str, list]:
    """Every row of every model, history tables included, in primary-key order."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_second_load_changes_nothing_at_all(demo):
    before = _snapshot()
    result = load_demo()
    assert set(result["created"].values()) == {0}
    assert result["new_users"] == []
    after = _snapshot()
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}
    assert after == before


def test_first_load_reports_what_it_created(db):
    load_reference()
    result = load_demo()
    assert result["created"]["projects"] == Project.objects.count() >= 69
    assert result["created"]["engagements"] > 100
    assert sorted(result["new_users"]) == ["admin", "analyst", "leader", "mulei", "qitai"]


def test_demo_users_sign_in_with_the_demo_password(demo):
    assert (
        authenticate(
            RequestFactory().post("/login/"), username="qitai", password=settings.DEMO_PASSWORD
        )
        is not None
    )


def test_demo_command_prints_logins_only_when_it_creates_them(db):
    first, second = StringIO(), StringIO()
    call_command("demo", stdout=first)
    call_command("demo", stdout=second)
    assert "qitai" in first.getvalue() and "CHAINVEST_DEMO_PASSWORD" in first.getvalue()
    assert "qitai" not in second.getvalue()
    assert "招商项目 0" in second.getvalue()


@pytest.fixture
def broken_copy(tmp_path):
    target = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_chain_code_names_the_file_and_row_and_loads_nothing(db, broken_copy):
    load_reference()
    _replace(broken_copy / "projects.yaml", "chain: wind-power", "chain: no-such-chain")
    with pytest.raises(DemoDataError, match="projects.yaml.*未知的产业链代码「no-such-chain」"):
        load_demo(broken_copy)
    assert not Project.objects.exists()


def test_stage_without_its_date_is_refused(db, broken_copy):
    load_reference()
    started = 'construction, "2023-05-08", "2023-05-20",'
    _replace(broken_copy / "projects.yaml", started, 'construction, "2023-05-08", ~,')
    with pytest.raises(DemoDataError, match="阶段为 construction，缺少 construction 日期"):
        load_demo(broken_copy)


def test_record_without_demo_flag_is_refused(db, broken_copy):
    load_reference()
    _replace(broken_copy / "users.yaml", ", demo: true}", "}")
    with pytest.raises(DemoDataError, match="users.yaml.*demo: true 或 demo: false"):
        load_demo(broken_copy)


def test_unparseable_amount_is_refused(db, broken_copy):
    load_reference()
    _replace(broken_copy / "projects.yaml", "agreed: 5亿元", "agreed: 五个亿左右")
    with pytest.raises(DemoDataError, match="agreed「五个亿左右」"):
        load_demo(broken_copy)


def test_loading_without_reference_data_says_what_to_run_first(db):
    with pytest.raises(DemoDataError, match="load_reference"):
        load_demo()
