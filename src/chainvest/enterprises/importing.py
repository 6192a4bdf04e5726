"""Importing vendor exports into the enterprise pool (`chainvest import-enterprises`, upload page).

All or nothing: every row is checked first; a file with a bad row writes nothing and yields a
row-by-row report, unless skip_invalid is set. The write is one transaction (chunked
statements inside it), so a crash or kill leaves the pool as it was. New enterprises go in with
plain multi-row INSERTs and their history rows with one INSERT … SELECT; enterprises already in
the pool (same USCC, or same name key when the row has no USCC) are updated with
simple_history's bulk_update_with_history, so the before and after stay in history.
"""

from __future__ import annotations

import gc
import logging
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from chainvest.enterprises import importing_bulk as bulk
from chainvest.enterprises import importing_lock
from chainvest.enterprises.importing_read import (
    Columns,
    ImportFileError,
    check_content,
    open_table,
    too_large_message,
)
from chainvest.enterprises.importing_report import write_error_report, write_rejects
from chainvest.enterprises.importing_rows import RowChecker, RowError
from chainvest.enterprises.models import Enterprise, ImportBatch, ImportStatus
from chainvest.faults import pause_point

log = logging.getLogger(__name__)

INSERT_CHUNK = 10_000  # rows per executemany / COPY inside the one transaction
LOOKUP_CHUNK = 500  # values per IN (…) when matching the file against the pool
PROGRESS_EVERY = 5000
PROGRESS_SAVE_SECONDS = 5.0
STORED_ERRORS = 1000  # errors kept on the batch for the page; the .xlsx report has them all
HOOKS = [
    ("chainvest.enterprises.duplicates", "detect_for"),
    ("chainvest.enterprises.classification", "classify_enterprises"),
]


@dataclass
class ImportResult:
    batch: ImportBatch
    errors: list[RowError] = field(default_factory=list)
    columns: Columns | None = None
    rejects_path: Path | None = None
    ids: list[int] = field(default_factory=list)  # enterprises created or changed

    @property
    def ok(self) -> bool:
        return self.batch.status == ImportStatus.DONE

    @property
    def unknown_columns(self) -> list[str]:
        return self.columns.unknown if self.columns else []


@dataclass
class _Checked:
    records: list[tuple[int, dict]] = field(default_factory=list)
    rejected: dict[int, list[RowError]] = field(default_factory=dict)  # row → its errors
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def import_file(
    path: Path | str,
    *,
    user: Any = None,
    skip_invalid: bool = False,
    mapping: dict[str, str] | None = None,
    rejects_path: Path | str | None = None,
    file_name: str | None = None,
    hooks: bool = True,
    batch: ImportBatch | None = None,
) -> ImportResult:
    """Check every row of `path`, then write all of them (or, with skip_invalid, the good ones).

    `mapping` is {folded header: field} for columns the aliases do not know (see
    importing_read.parse_mapping). The ImportBatch records progress, counts and errors.
    """
    path = Path(path)
    batch = batch or start_batch(path, user=user, skip_invalid=skip_invalid, file_name=file_name)
    try:
        with _gc_paused():
            return _import(path, batch, user, skip_invalid, mapping, rejects_path, hooks)
    finally:
        bulk.forget(batch.pk)
        importing_lock.release(batch.pk)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while the import holds millions of rows in memory.

    The rows make no reference cycles, yet each full collection walks all of them: on a
    large file that is a third of the checking time. Collection resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(
    path: Path,
    batch: ImportBatch,
    user: Any,
    skip_invalid: bool,
    mapping: dict[str, str] | None,
    rejects_path: Path | str | None,
    hooks: bool,
) -> ImportResult:
    try:
        table = open_table(path, mapping)
    except ImportFileError as exc:
        return _fail(ImportResult(batch), [_file_error(exc)])
    result = ImportResult(batch, columns=table.columns)
    batch.column_map = table.columns.as_map()
    try:
        checked = _check_rows(batch, table.columns, table.rows)
    except ImportFileError as exc:  # found further down: a formula cell, a broken CSV line
        return _fail(result, [_file_error(exc)])
    checked.errors.extend(_match_pool(checked))
    batch.total_rows = batch.processed_rows = checked.total
    if checked.errors and not skip_invalid:
        return _fail(result, checked.errors)
    if checked.rejected:
        result.rejects_path = _rejects(path, rejects_path, mapping, checked.rejected)
    result.errors = checked.errors
    _write(result, checked, user)
    if hooks and result.ids:
        run_hooks(result.ids)
    return result


def _file_error(exc: ImportFileError) -> RowError:
    """A whole-file error, placed at the cell it was found in when there is one."""
    return RowError(exc.row, exc.column, exc.value, str(exc))


def start_batch(
    path: Path, *, user: Any = None, skip_invalid: bool = False, file_name: str | None = None
) -> ImportBatch:
    """The batch row a progress bar can follow from the start (total estimated up front).

    The batch's lock is taken before the row is committed, so whoever sees the batch running
    also sees its lock held, until this process ends the import or dies (importing_lock).
    """
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=file_name or path.name,
            uploaded_by=user if getattr(user, "pk", None) else None,
            status=ImportStatus.RUNNING,
            skip_invalid=skip_invalid,
            total_rows=estimate_rows(path),
        )
        importing_lock.hold(batch.pk)
    return batch


def progress_of(batch: ImportBatch) -> bulk.Progress:
    """Where a running import is: the live count in this process, else the checked rows saved.

    The live count also covers the write phase, which the batch row cannot show until commit.
    """
    found = bulk.live(batch.pk)
    if found is None or batch.status != ImportStatus.RUNNING:
        total = batch.total_rows or batch.processed_rows
        return bulk.Progress("check", batch.processed_rows, total)
    return found


def estimate_rows(path: Path) -> int:
    """Lines in a CSV or the sheet's row count in an XLSX, before the header is even found."""
    try:
        if path.suffix.lower() == ".csv":
            with path.open("rb") as fh:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            return workbook.worksheets[0].max_row or 0
        finally:
            workbook.close()
    except Exception:  # an unreadable file is reported by the import itself, not here
        return 0


def import_in_background(path: Path, *, batch: ImportBatch, on_done=None, **options: Any) -> None:
    """Run import_file in a thread so the page can poll the batch's progress.

    The import is one transaction, so a worker killed midway leaves the pool as it was; the
    batch row (written outside that transaction) then shows the failure or stays 导入中.
    """

    def work() -> None:
        try:
            import_file(path, batch=batch, **options)
        except Exception as exc:  # the batch must not stay 导入中 when the import crashed
            log.exception("import of %s failed", path)
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportStatus.FAILED,
                finished_at=timezone.now(),
                errors=[RowError(0, "", "", f"导入中断：{exc}").as_dict()],
            )
        finally:
            if on_done:
                on_done()
            connections.close_all()

    threading.Thread(target=work, name=f"import-{batch.pk}", daemon=True).start()


# --- checking ------------------------------------------------------------------------------


def _check_rows(
    batch: ImportBatch, columns: Columns, rows: Iterator[tuple[int, list[str]]]
) -> _Checked:
    checker = RowChecker(columns)
    checked = _Checked()
    saved = time.monotonic()
    for number, cells in rows:
        if not any(cells):
            continue  # blank lines between blocks are common in hand-edited exports
        checked.total += 1
        rec, errors = checker.check(number, cells)
        if errors:
            checked.errors.extend(errors)
            checked.rejected[number] = errors
        else:
            checked.records.append((number, rec))
        if checked.total % PROGRESS_EVERY == 0:
            bulk.report(batch.pk, "check", checked.total, batch.total_rows)
            saved = _save_progress(batch, checked.total, saved)
    return checked


def _save_progress(batch: ImportBatch, rows: int, last: float) -> float:
    """Record the rows checked in the batch row every few seconds, not every few rows.

    Each save is a commit, and a commit waits for the disk: on a busy machine a save every
    5,000 rows cost more than the checking. The page follows the live count meanwhile.
    """
    now = time.monotonic()
    if now - last < PROGRESS_SAVE_SECONDS:
        return last
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=rows)
    return now


def _match_pool(checked: _Checked) -> list[RowError]:
    """Attach the id of the enterprise each row updates; a name shared by several is an error."""
    by_uscc: dict[str, list[tuple[int, dict]]] = {}
    by_name: dict[str, list[tuple[int, dict]]] = {}
    for item in checked.records:
        rec = item[1]
        if rec.get("uscc"):
            by_uscc.setdefault(rec["uscc"], []).append(item)
        else:
            by_name.setdefault(rec["name_key"], []).append(item)
    for uscc, pk in _pool_pairs("uscc", by_uscc, uscc__isnull=False):
        for _, rec in by_uscc.get(uscc, ()):
            rec["id"] = pk
    found: dict[str, list[int]] = {}
    for key, pk in _pool_pairs("name_key", by_name, merged_into__isnull=True):
        if key in by_name:
            found.setdefault(key, []).append(pk)
    return _attach_names(checked, by_name, found)


def _pool_pairs(column: str, keys: dict, **where: Any) -> Iterator[tuple[str, int]]:
    """(value, id) of pool rows whose `column` is among `keys`.

    A file about as large as the pool reads the whole column once; a small file against a
    large pool asks IN (…) chunk by chunk.
    """
    if not keys:
        return
    pool = Enterprise.objects.filter(**where)
    if len(keys) * 4 >= pool.count():
        yield from pool.values_list(column, "id").iterator(chunk_size=20_000)
        return
    for chunk in _chunks(keys, LOOKUP_CHUNK):
        yield from pool.filter(**{f"{column}__in": chunk}).values_list(column, "id")


def _attach_names(
    checked: _Checked, by_name: dict[str, list[tuple[int, dict]]], found: dict[str, list[int]]
) -> list[RowError]:
    errors, bad_rows = [], set()
    for key, pks in found.items():
        for number, rec in by_name[key]:
            if len(pks) == 1:
                rec["id"] = pks[0]
                continue
            message = f"企业库中有 {len(pks)} 家同名企业，请填写统一社会信用代码"
            errors.append(RowError(number, "企业名称", rec["name"], message))
            bad_rows.add(number)
    if bad_rows:
        for error in errors:
            checked.rejected.setdefault(error.row, []).append(error)
        checked.records = [item for item in checked.records if item[0] not in bad_rows]
    return errors


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- outcomes ------------------------------------------------------------------------------


def report_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def _fail(result: ImportResult, errors: list[RowError]) -> ImportResult:
    batch = result.batch
    errors.sort(key=lambda e: e.row)
    result.errors = errors
    batch.status = ImportStatus.FAILED
    batch.rejected_count = len({e.row for e in errors if e.row})
    batch.errors = [e.as_dict() for e in errors[:STORED_ERRORS]]
    batch.finished_at = timezone.now()
    if any(e.row for e in errors):
        report = report_dir() / f"batch-{batch.pk}-errors.xlsx"
        batch.report_path = str(write_error_report(errors, report))
    batch.save()
    return result


def _rejects(
    source: Path,
    target: Path | str | None,
    mapping: dict[str, str] | None,
    rejected: dict[int, list[RowError]],
) -> Path:
    """Read the file a second time for the rejected rows: cheaper than keeping every row."""
    suffix = ".csv" if source.suffix.lower() == ".csv" else ".xlsx"
    path = Path(target) if target else source.with_name(f"{source.stem}_未导入{suffix}")
    table = open_table(source, mapping)
    rows = [(n, cells, rejected[n]) for n, cells in table.rows if n in rejected]
    return write_rejects(table.columns.headers, rows, path)


# --- writing -------------------------------------------------------------------------------


def _write(result: ImportResult, checked: _Checked, user: Any) -> None:
    batch = result.batch
    new = [rec for _, rec in checked.records if "id" not in rec]
    old = {rec["id"]: rec for _, rec in checked.records if "id" in rec}
    reason = f"导入：{batch.file_name}"[:100]
    try:
        with transaction.atomic(), _large_page_cache():
            progress = bulk.Tracker(batch.pk, "write", len(new) + len(old))
            created = insert_enterprises(new, batch, user, reason, progress)
            updated = update_enterprises(old, batch, user, reason, progress)
            batch.created_count, batch.updated_count = len(created), len(updated)
            batch.rejected_count = len(checked.rejected)
            batch.errors = [e.as_dict() for e in sorted(checked.errors, key=lambda e: e.row)]
            batch.errors = batch.errors[:STORED_ERRORS]
            if checked.errors:
                report = report_dir() / f"batch-{batch.pk}-errors.xlsx"
                batch.report_path = str(write_error_report(checked.errors, report))
            batch.status, batch.finished_at = ImportStatus.DONE, timezone.now()
            batch.save()
    except (DatabaseError, OSError, RuntimeError) as exc:
        message = f"写入数据库时出错，本次导入未做任何修改：{exc}"
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            errors=[RowError(0, "", "", message).as_dict()],
        )
        raise
    result.ids = created + updated


@contextmanager
def _large_page_cache(pages_kib: int = 262_144) -> Iterator[None]:
    """SQLite's default 2 MB page cache thrashes on the indexes of a large pool; lend it more."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{pages_kib}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _insert_columns() -> list:
    return [f for f in Enterprise._meta.concrete_fields if not f.primary_key]


def insert_enterprises(
    records: list[dict],
    batch: ImportBatch,
    user: Any,
    reason: str,
    progress: bulk.Tracker | None = None,
) -> list[int]:
    """Chunked bulk inserts for the new enterprises, then their '+' history rows in one statement.

    SQLite takes executemany of one parameterised INSERT, PostgreSQL COPY … FROM STDIN. The
    secondary and search indexes of a table the load at least doubles are built once at the
    end instead of row by row.
    """
    if not records:
        return []
    fields = _insert_columns()
    table = Enterprise._meta.db_table
    sql = _insert_sql(table, fields)
    models = [Enterprise, Enterprise.history.model]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        start = cursor.fetchone()[0]
        with (
            bulk.indexes_rebuilt_after(cursor, models, len(records)),
            _search_index_filled_after(cursor, batch, start),
        ):
            for chunk in _progressing(records, INSERT_CHUNK, progress):
                insert_rows(cursor, sql, _row_values(chunk, fields, batch))
                pause_point("import-write")  # the kill test's moment: rows written, uncommitted
            _history_for_new(cursor, batch, start, user, reason)
        cursor.execute(
            f"SELECT id FROM {connection.ops.quote_name(table)} "
            "WHERE import_batch_id = %s AND id > %s ORDER BY id",
            [batch.pk, start],
        )
        return [row[0] for row in cursor.fetchall()]


def _insert_sql(table: str, fields: list) -> str:
    columns = [f.column for f in fields]
    if connection.vendor == "postgresql":
        return bulk.copy_sql(table, columns)
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) VALUES ({marks})"


def _progressing(items: Iterable, size: int, tracker: bulk.Tracker | None) -> Iterator[list]:
    """The items chunk by chunk, counting each chunk done once the caller asks for the next."""
    for chunk in _chunks(items, size):
        yield chunk
        if tracker:
            tracker.advance(len(chunk))


def _row_values(chunk: list[dict], fields: list, batch: ImportBatch) -> list[tuple]:
    """Each record over the fields' defaults, as one tuple in column order.

    Both drivers take dates and decimals as they are (Django registers SQLite's adapters);
    only the JSON list of former names needs its text, and most rows have none.
    """
    defaults = {f.attname: f.get_default() for f in fields}
    defaults["import_batch_id"] = batch.pk
    defaults["former_names"] = bulk.json_text([])
    values = itemgetter(*[f.attname for f in fields])
    rows = []
    for rec in chunk:
        if rec.get("former_names"):
            rec = {**rec, "former_names": bulk.json_text(rec["former_names"])}
        elif "former_names" in rec:
            rec = {k: v for k, v in rec.items() if k != "former_names"}
        rows.append(values({**defaults, **rec}))
    return rows


@contextmanager
def _search_index_filled_after(cursor: Any, batch: ImportBatch, start: int) -> Iterator[None]:
    """On SQLite, fill the FTS search index for the new rows in one statement at the end.

    Its per-row trigger costs more than the insert itself. The trigger is dropped and
    re-created inside the import's transaction, so a failure restores it with everything else.
    """
    try:
        from chainvest.enterprises import search
    except ImportError:
        search = None
    if search is None or not search.uses_fts():
        yield
        return
    trigger = connection.ops.quote_name(f"{search.FTS_TABLE}_ai")
    cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    yield
    with bulk.large_fts_buffer(cursor, search.FTS_TABLE):
        cursor.execute(
            f"{search.SQLITE_FILL} WHERE e.import_batch_id = %s AND e.id > %s", [batch.pk, start]
        )
    search.install_search_index(connection)


def insert_rows(cursor: Any, sql: str, rows: list[tuple]) -> None:
    """One executemany (SQLite) or COPY (PostgreSQL) per chunk; tests make it fail midway."""
    if sql.startswith("COPY"):
        bulk.copy_rows(cursor, sql, rows)
    else:
        cursor.executemany(sql, rows)


def _history_for_new(cursor: Any, batch: ImportBatch, start: int, user: Any, reason: str) -> None:
    history = Enterprise.history.model
    tracked = [connection.ops.quote_name(f.column) for f in history.tracked_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    columns = ", ".join(tracked + [connection.ops.quote_name(c) for c in extra])
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    cursor.execute(
        f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} ({columns}) "
        f"SELECT {', '.join(tracked)}, %s, %s, %s, %s "
        f"FROM {connection.ops.quote_name(Enterprise._meta.db_table)} "
        "WHERE import_batch_id = %s AND id > %s",
        [now, reason, "+", getattr(user, "pk", None), batch.pk, start],
    )


def update_enterprises(
    records: dict[int, dict],
    batch: ImportBatch,
    user: Any,
    reason: str,
    progress: bulk.Tracker | None = None,
) -> list[int]:
    """Apply the file's values to matched enterprises; only those that change get history."""
    changed: list[Enterprise] = []
    fields: set[str] = set()
    for ids in _progressing(records, LOOKUP_CHUNK, progress):
        for enterprise in Enterprise.objects.filter(id__in=ids):
            diff = _apply(enterprise, records[enterprise.pk])
            if diff:
                enterprise.import_batch_id = batch.pk
                changed.append(enterprise)
                fields.update(diff)
    if changed:
        bulk_update_with_history(
            changed,
            Enterprise,
            sorted(fields | {"import_batch_id"}),
            batch_size=500,
            default_user=user if getattr(user, "pk", None) else None,
            default_change_reason=reason,
        )
    return [e.pk for e in changed]


def _apply(enterprise: Enterprise, rec: dict) -> set[str]:
    """Set the row's values on the enterprise; a replaced name is kept among its former names."""
    old_name, diff = enterprise.name, set()
    for attname, value in rec.items():
        if attname != "id" and getattr(enterprise, attname) != value:
            setattr(enterprise, attname, value)
            diff.add(attname)
    former = list(enterprise.former_names or [])
    if "name" in diff and old_name not in former:
        enterprise.former_names = [*former, old_name]
        diff.add("former_names")
    return diff


# --- after a successful import -------------------------------------------------------------


def run_hooks(ids: list[int]) -> list[str]:
    """Duplicate detection and classification, where those modules exist; returns what ran."""
    import importlib

    ran = []
    for module_name, function_name in HOOKS:
        try:
            function = getattr(importlib.import_module(module_name), function_name)
        except (ImportError, AttributeError):
            continue
        try:
            function(ids)
        except Exception:  # the import itself is committed; a failing hook must not hide that
            log.exception("%s.%s failed after import", module_name, function_name)
            continue
        ran.append(function_name)
    return ran


# --- uploads from the web page -------------------------------------------------------------

UPLOAD_SUFFIXES = {".csv", ".xlsx"}


def save_upload(chunks: Iterable[bytes], file_name: str, max_bytes: int | None = None) -> Path:
    """Keep an uploaded file under VAR_DIR/imports/uploads/<random>/; the name is not trusted.

    Only .csv and .xlsx, whose content must look like one (not merely be named so), and no more
    than `max_bytes` (settings.MAX_IMPORT_BYTES): otherwise ImportFileError and nothing is kept.
    """
    import secrets

    suffix = Path(file_name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ImportFileError("仅允许导入 csv、xlsx 格式文件")
    limit = max_bytes or settings.MAX_IMPORT_BYTES
    folder = report_dir() / "uploads" / secrets.token_hex(8)
    folder.mkdir(parents=True)
    path = folder / f"upload{suffix}"
    try:
        _write_capped(path, chunks, limit)
        check_content(path)
    except ImportFileError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def _write_capped(path: Path, chunks: Iterable[bytes], limit: int) -> None:
    written = 0
    with path.open("wb") as fh:
        for chunk in chunks:
            written += len(chunk)
            if written > limit:
                raise ImportFileError(too_large_message(limit))
            fh.write(chunk)


def upload_path(token: str) -> Path | None:
    """The staged upload of a token from save_upload, or None if it is not one of ours."""
    if not token or not token.isalnum():
        return None
    folder = report_dir() / "uploads" / token
    found = [p for p in folder.glob("upload.*") if p.suffix in UPLOAD_SUFFIXES]
    return found[0] if found else None
