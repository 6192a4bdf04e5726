"""Writing an import: all or nothing, skip-invalid, update by USCC with history, hooks, command."""

import csv
import sys
import types
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from chainvest.enterprises import importing, importing_bulk
from chainvest.enterprises.importing import import_file
from chainvest.enterprises.models import Enterprise, ImportBatch, ImportStatus
from tests.enterprises.test_import_support import industries, row, uscc, write_csv


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def places(changji):
    industries()
    return changji


def pool_state():
    return sorted(Enterprise.objects.values_list("id", "name", "uscc", "registered_capital_wan"))


def index_names():
    with connection.cursor() as cursor:
        return {
            table: set(connection.introspection.get_constraints(cursor, table))
            for table in (Enterprise._meta.db_table, Enterprise.history.model._meta.db_table)
        }


def test_import_creates_enterprises_with_every_vendor_field(tmp_path, places):
    path = write_csv(tmp_path / "a.csv", [row(1, 曾用名="昌吉旧名有限公司；老名字有限公司")])
    result = import_file(path)
    assert result.ok
    e = Enterprise.objects.get()
    assert (e.name, e.uscc, e.legal_representative) == ("昌吉测试新材料有限公司1", uscc(1), "张三")
    assert (e.registered_capital_wan, e.status, e.insured_count) == (Decimal(100), "存续", 25)
    assert e.region.code == "652301" and e.industry.code == "30"
    assert e.former_names == ["昌吉旧名有限公司", "老名字有限公司"]
    assert e.name_key == "昌吉测试新材料有限公司1"
    assert e.import_batch == result.batch
    assert e.history.get().history_type == "+"
    assert (result.batch.created_count, result.batch.total_rows) == (1, 1)


def test_file_with_a_bad_row_imports_nothing(tmp_path, places):
    import_file(write_csv(tmp_path / "a.csv", [row(1), row(2)]))
    before = pool_state()
    result = import_file(
        write_csv(tmp_path / "b.csv", [row(1, 注册资本="500万元"), row(3), row(4, 成立日期="?")])
    )
    assert not result.ok
    assert pool_state() == before
    assert result.batch.rejected_count == 1
    assert result.batch.errors[0]["row"] == 4


def test_crash_midway_through_the_write_leaves_the_pool_as_it_was(tmp_path, places, monkeypatch):
    import_file(write_csv(tmp_path / "a.csv", [row(1)]))
    before = pool_state()
    history_before = Enterprise.history.count()
    indexes_before = index_names()
    monkeypatch.setattr(importing_bulk, "INDEX_REBUILD_MIN_ROWS", 1)
    monkeypatch.setattr(importing, "INSERT_CHUNK", 2)
    calls = []
    insert = importing.insert_rows  # executemany on SQLite, COPY on PostgreSQL

    def failing_insert(cursor, sql, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("进程被终止")
        insert(cursor, sql, rows)

    monkeypatch.setattr(importing, "insert_rows", failing_insert)
    rows = [row(1, 注册资本="999万元")] + [row(n) for n in range(2, 7)]
    with pytest.raises(RuntimeError):
        import_file(write_csv(tmp_path / "b.csv", rows))
    assert calls == [2, 2]
    assert pool_state() == before
    assert Enterprise.history.count() == history_before
    assert index_names() == indexes_before  # dropped for the load, restored by the rollback
    assert ImportBatch.objects.order_by("-id").first().status == ImportStatus.FAILED


def test_a_load_that_doubles_the_pool_rebuilds_every_index(tmp_path, places, monkeypatch):
    import_file(write_csv(tmp_path / "a.csv", [row(1)]))
    before = index_names()
    monkeypatch.setattr(importing_bulk, "INDEX_REBUILD_MIN_ROWS", 1)
    dropped = []
    insert = importing.insert_rows

    def watched_insert(cursor, sql, rows):
        dropped.append(index_names() != before)
        insert(cursor, sql, rows)

    monkeypatch.setattr(importing, "insert_rows", watched_insert)
    result = import_file(write_csv(tmp_path / "b.csv", [row(n) for n in range(2, 9)]))
    assert result.ok and Enterprise.objects.count() == 8
    assert dropped and all(dropped)  # the secondary indexes were away during the load
    assert index_names() == before
    assert Enterprise.objects.get(name_key=row(5)["企业名称"]).uscc == uscc(5)


def test_progress_advances_through_the_write_phase(tmp_path, places, monkeypatch):
    monkeypatch.setattr(importing, "INSERT_CHUNK", 2)
    insert, seen = importing.insert_rows, []

    def watched_insert(cursor, sql, rows):
        batch = ImportBatch.objects.order_by("-id").first()
        progress = importing.progress_of(batch)
        seen.append((progress.phase, progress.done, progress.total, progress.percent))
        insert(cursor, sql, rows)

    monkeypatch.setattr(importing, "insert_rows", watched_insert)
    result = import_file(write_csv(tmp_path / "a.csv", [row(n) for n in range(1, 7)]))
    assert seen == [("write", 0, 6, 50), ("write", 2, 6, 66), ("write", 4, 6, 83)]
    assert result.ok and importing.progress_of(result.batch).done == 6


def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects(tmp_path, places):
    source = write_csv(tmp_path / "s.csv", [row(1), row(2, 参保人数="很多"), row(3)])
    result = import_file(source, skip_invalid=True)
    assert result.ok
    assert Enterprise.objects.count() == 2
    assert (result.batch.created_count, result.batch.rejected_count) == (2, 1)
    assert result.rejects_path == tmp_path / "s_未导入.csv"
    with result.rejects_path.open(encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    assert lines[0][0] == "原行号" and lines[0][-1] == "错误说明"
    assert lines[1][0] == "3" and lines[1][1] == "昌吉测试新材料有限公司2"
    assert "参保人数" in lines[1][-1]


def test_reimport_updates_by_uscc_and_keeps_before_and_after_in_history(tmp_path, places):
    import_file(write_csv(tmp_path / "a.csv", [row(1)]))
    enterprise = Enterprise.objects.get()
    result = import_file(
        write_csv(tmp_path / "b.csv", [row(1, 注册资本="800万元", 企业名称="昌吉新名称有限公司")])
    )
    assert (result.batch.created_count, result.batch.updated_count) == (0, 1)
    enterprise.refresh_from_db()
    assert enterprise.registered_capital_wan == 800
    assert enterprise.former_names == ["昌吉测试新材料有限公司1"]
    newest, oldest = enterprise.history.order_by("-history_id")[:2]
    assert (oldest.registered_capital_wan, newest.registered_capital_wan) == (100, 800)
    assert newest.history_type == "~"
    changed = {c.field for c in newest.diff_against(oldest).changes}
    assert changed >= {"registered_capital_wan", "name", "former_names"}
    assert enterprise.import_batch == result.batch


def test_unchanged_rows_get_no_new_history(tmp_path, places):
    path = write_csv(tmp_path / "a.csv", [row(1)])
    import_file(path)
    result = import_file(path)
    assert (result.batch.created_count, result.batch.updated_count) == (0, 0)
    assert Enterprise.history.count() == 1


def test_row_without_uscc_updates_by_exact_name_key(tmp_path, places):
    import_file(write_csv(tmp_path / "a.csv", [row(1, 企业名称="甲（昌吉）有限公司")]))
    result = import_file(
        write_csv(
            tmp_path / "b.csv",
            [row(1, 企业名称="甲(昌吉)有限公司", 统一社会信用代码="", 参保人数="90")],
        )
    )
    assert result.batch.updated_count == 1
    assert Enterprise.objects.get().insured_count == 90


def test_empty_cells_do_not_blank_stored_values(tmp_path, places):
    import_file(write_csv(tmp_path / "a.csv", [row(1)]))
    import_file(write_csv(tmp_path / "b.csv", [row(1, 注册资本="-", 法定代表人="")]))
    enterprise = Enterprise.objects.get()
    assert (enterprise.registered_capital_wan, enterprise.legal_representative) == (100, "张三")


def test_hooks_run_after_a_successful_import_when_present(tmp_path, places, monkeypatch):
    seen = []
    fake = types.ModuleType("chainvest.enterprises.classification")
    fake.classify_enterprises = lambda ids: seen.append(("classify", sorted(ids)))
    monkeypatch.setitem(sys.modules, "chainvest.enterprises.classification", fake)
    monkeypatch.setattr(
        importing, "HOOKS", [*importing.HOOKS, ("chainvest.enterprises.nowhere", "f")]
    )
    import_file(write_csv(tmp_path / "a.csv", [row(1), row(2)]))
    assert seen == [("classify", sorted(Enterprise.objects.values_list("id", flat=True)))]


def test_command_imports_and_reports_counts(tmp_path, places):
    path = write_csv(tmp_path / "a.csv", [row(1), row(2)])
    out = call_command_output("import-enterprises", str(path), "--no-hooks")
    assert "新增 2 家" in out
    assert Enterprise.objects.count() == 2


def test_command_fails_with_the_row_errors_and_changes_nothing(tmp_path, places):
    path = write_csv(tmp_path / "a.csv", [row(1), row(2, 成立日期="x")])
    with pytest.raises(CommandError, match="第 3 行【成立日期】「x」"):
        call_command_output("import-enterprises", str(path))
    assert not Enterprise.objects.exists()


def test_command_maps_unknown_columns_and_skips_invalid_rows(tmp_path, places):
    path = tmp_path / "m.csv"
    path.write_text(f"单位全称,信用代码\n甲公司,{uscc(1)}\n乙公司,123\n", encoding="utf-8")
    rejects = tmp_path / "rej.xlsx"
    out = call_command_output(
        "import-enterprises", str(path), "--map", "单位全称=name", "--skip-invalid",
        "--rejects", str(rejects),
    )  # fmt: skip
    assert "跳过 1 行" in out and rejects.exists()
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["甲公司"]


def call_command_output(*args):
    import io

    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_imported_enterprises_are_found_by_search_and_later_saves_stay_indexed(tmp_path, places):
    from chainvest.enterprises.search import search_enterprises

    path = write_csv(
        tmp_path / "a.csv", [row(1, 经营范围="风电叶片制造", 曾用名="昌吉风叶有限公司")]
    )
    import_file(path)
    assert [e.uscc for e in search_enterprises("风电叶片")] == [uscc(1)]
    assert [e.uscc for e in search_enterprises("昌吉风叶")] == [uscc(1)]
    # The per-row index trigger is back after the bulk fill: a row saved later is found too.
    Enterprise.objects.create(name="奇台光伏组件有限公司", business_scope="光伏组件制造")
    assert search_enterprises("光伏组件").count() == 1
