"""The audit trail: imports, merges and stage changes leave rows naming the user; leaders and
administrators browse, filter, page and export it; nobody edits it through the application."""

import datetime as dt
import io

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from simple_history.models import registered_models

from chainvest.accounts.audit import AuditFilter, all_sources, audit_rows
from chainvest.accounts.models import AuditEntry
from chainvest.accounts.permissions import ROUTE_RULES
from chainvest.enterprises.classification import assign_manually, remove_assignment
from chainvest.enterprises.duplicates import detect_all
from chainvest.enterprises.importing import import_file
from chainvest.enterprises.models import DuplicateCandidate, LinkExclusion
from chainvest.enterprises.services import merge_enterprises
from chainvest.projects.models import Engagement
from chainvest.projects.services import transition_project
from tests.enterprises.test_duplicates_factories import enterprise
from tests.enterprises.test_import_support import industries, row, write_csv
from tests.enterprises.test_import_support import uscc as import_uscc
from tests.web import factories as f


def rows_for(model: str, **more) -> list[dict]:
    return list(audit_rows(AuditFilter(model=model, **more)))


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def test_an_import_leaves_audit_rows_naming_the_user(cast, tmp_path):
    industries()
    path = write_csv(tmp_path / "a.csv", [row(1, 统一社会信用代码=import_uscc(1)), row(2)])
    import_file(path, user=cast["analyst"])
    batch = rows_for("enterprises.ImportBatch")
    assert [(r["a_user"], r["a_action"]) for r in batch] == [(cast["analyst"].pk, "导入")]
    assert "新增 2" in batch[0]["a_summary"]
    created = rows_for("enterprises.Enterprise")
    assert len(created) == 2
    assert {(r["a_user"], r["a_action"]) for r in created} == {(cast["analyst"].pk, "新增")}


def test_a_merge_and_its_undo_leave_audit_rows_naming_the_user(cast):
    a = enterprise("新疆天池（集团）能源有限公司")
    b = enterprise("新疆天池(集团)能源有限公司")
    detect_all()
    merge_enterprises(cast["analyst"], a, b, DuplicateCandidate.objects.get())
    merges = rows_for("enterprises.MergeRecord")
    assert [(r["a_user"], r["a_action"], r["a_object"]) for r in merges] == [
        (cast["analyst"].pk, "合并", str(b.pk))
    ]
    decided = rows_for("enterprises.DuplicateCandidate")
    assert [r["a_user"] for r in decided] == [cast["analyst"].pk]
    changed = rows_for("enterprises.Enterprise", user_id=cast["analyst"].pk)
    assert {r["a_object"] for r in changed} >= {str(a.pk), str(b.pk)}


def test_a_stage_change_leaves_audit_rows_naming_the_user(cast, changji):
    project = f.project(cast["qitai"], changji["qitai"], "风机叶片项目")
    transition_project(cast["qitai"], project, "negotiating", {"negotiating": dt.date(2023, 2, 1)})
    stage = rows_for("projects.StageChange")
    assert [(r["a_user"], r["a_action"], r["a_object"]) for r in stage] == [
        (cast["qitai"].pk, "阶段变更", str(project.pk))
    ]
    assert "lead → negotiating" in stage[0]["a_summary"]
    history = rows_for("projects.Project", user_id=cast["qitai"].pk)
    assert [r["a_action"] for r in history] == ["修改", "新增"]


@pytest.fixture
def trail(cast, changji):
    """Two projects by two officers and a stage change: five audit rows, newest first."""
    first = f.project(cast["qitai"], changji["qitai"], "风机叶片项目")
    second = f.project(cast["mulei"], changji["mulei"], "光伏组件项目")
    transition_project(cast["mulei"], second, "negotiating", {"negotiating": dt.date(2023, 2, 1)})
    return {"first": first, "second": second}


def page(client, who, **query):
    client.force_login(who)
    return client.get(reverse("web:audit"), query)


def test_leader_reads_every_change_newest_first(client, cast, trail):
    response = page(client, cast["leader"])
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.at for r in rows] == sorted((r.at for r in rows), reverse=True)
    assert rows[0].action in {"阶段变更", "修改"}
    assert {"t_qitai", "t_mulei"} <= {r.user for r in rows}


def test_audit_filters_by_user_model_and_dates(client, cast, trail):
    by_user = page(client, cast["admin"], user=cast["qitai"].pk).context["rows"]
    assert by_user and {r.user for r in by_user} == {"t_qitai"}
    by_model = page(client, cast["admin"], model="projects.StageChange").context["rows"]
    assert [(r.user, r.action) for r in by_model] == [("t_mulei", "阶段变更")]
    today = timezone.localdate()
    assert page(client, cast["admin"], start=today, end=today).context["rows"]
    tomorrow = today + dt.timedelta(days=1)
    assert page(client, cast["admin"], start=tomorrow).context["rows"] == []
    assert "没有符合条件的操作记录" in page(client, cast["admin"], start=tomorrow).content.decode()


def test_audit_pages(client, cast, trail):
    total = len(list(audit_rows(AuditFilter())))
    first = page(client, cast["admin"], size=10)
    assert first.context["page"].paginator.count == total
    assert len(first.context["rows"]) == min(10, total)


def test_audit_exports_the_filtered_list(client, cast, trail):
    client.force_login(cast["leader"])
    response = client.get(reverse("web:audit_xlsx"), {"model": "projects.StageChange"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0] == ("时间", "操作人", "对象类型", "对象编号", "操作", "说明")
    assert [(r[1], r[2], r[4]) for r in lines[1:]] == [("t_mulei", "阶段变更", "阶段变更")]


@pytest.mark.parametrize("role", ["analyst", "qitai"])
def test_analysts_and_officers_cannot_read_the_audit(client, cast, trail, role):
    assert page(client, cast[role]).status_code == 403
    client.force_login(cast[role])
    assert client.get(reverse("web:audit_xlsx")).status_code == 403


def test_no_route_writes_the_audit(client, cast, trail):
    assert not ROUTE_RULES["web:audit"].write and not ROUTE_RULES["web:audit_xlsx"].write
    before = len(list(audit_rows(AuditFilter())))
    for who in ["admin", "leader"]:
        client.force_login(cast[who])
        assert client.post(reverse("web:audit"), {"user": ""}).status_code == 403
        assert client.delete(reverse("web:audit")).status_code == 403
    assert len(list(audit_rows(AuditFilter()))) == before


def test_the_admin_cannot_edit_or_revert_history(settings):
    """Historical tables have no admin page at all, and SimpleHistoryAdmin may not revert."""
    for model in registered_models.values():
        if hasattr(model, "history"):
            assert model.history.model not in admin.site._registry
    historical = [m for m in admin.site._registry if m.__name__.startswith("Historical")]
    assert historical == []
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


def test_every_source_is_read_without_error(cast):
    for source in all_sources():
        assert list(source.rows()[:1]) is not None


def test_a_hand_made_link_assignment_leaves_an_audit_entry(cast):
    wind = f.chain()
    blade = f.link(wind, "blade", "叶片", "midstream")
    maker = enterprise("新疆天山风电有限公司")
    assign_manually(cast["analyst"], maker, blade, "年报写明叶片")
    remove_assignment(cast["analyst"], maker, blade)
    rows = rows_for("enterprises.Enterprise", user_id=cast["analyst"].pk)
    assert [r["a_action"] for r in rows] == ["移出环节", "人工指定环节"]
    assert all(r["a_object"] == str(maker.pk) for r in rows)


def test_an_audit_entry_cannot_be_changed_or_deleted(cast):
    entry = AuditEntry.record(cast["analyst"], cast["analyst"], "测试")
    entry.summary = "改过"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    assert AuditEntry.objects.get().summary == ""
    assert AuditEntry not in admin.site._registry


def test_engagements_and_link_exclusions_keep_history():
    assert hasattr(Engagement, "history") and hasattr(LinkExclusion, "history")
