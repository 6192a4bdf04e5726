"""Database-specific help for writing a large import fast, and the live progress of an import.

Everything here runs inside the import's one transaction, so a failure or a kill undoes it
together with the rows: SQLite and PostgreSQL both roll back DDL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction

FTS_HASH_BYTES = 64 << 20  # FTS5 flushes its in-memory index at 1 MB by default
FTS_DEFAULT_HASH_BYTES = 1 << 20


# --- live progress -------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    phase: str  # "check" or "write"
    done: int
    total: int

    @property
    def percent(self) -> int:
        """Checking fills the first half of the bar, writing the second; 99 at most."""
        share = min(1.0, self.done / self.total) if self.total else 0.0
        return min(99, int((share + (self.phase == "write")) * 50))


# batch id → its progress. The write phase holds the database's write lock on SQLite, so no
# other connection could record progress in the table until it commits; the page runs in the
# same process as the background import and reads it from here instead.
_LIVE: dict[int, Progress] = {}


def report(batch_id: int, phase: str, done: int, total: int) -> None:
    _LIVE[batch_id] = Progress(phase, done, total)


def live(batch_id: int) -> Progress | None:
    return _LIVE.get(batch_id)


def forget(batch_id: int) -> None:
    _LIVE.pop(batch_id, None)


class Tracker:
    """Counts the rows of one phase as they are done and reports them."""

    def __init__(self, batch_id: int, phase: str, total: int) -> None:
        self.batch_id, self.phase, self.total, self.done = batch_id, phase, total, 0
        report(batch_id, phase, 0, total)

    def advance(self, rows: int) -> None:
        self.done += rows
        report(self.batch_id, self.phase, self.done, self.total)


# --- secondary indexes ---------------------------------------------------------------------

# Below this many new rows the indexes are kept: per-row maintenance is cheap at that size, and
# a DROP INDEX is a schema change that readers of the pool would trip over (an in-memory shared
# SQLite database refuses them with "database schema is locked" until the import commits).
INDEX_REBUILD_MIN_ROWS = 50_000


def _rows_upper_bound(cursor: Any, model: Any) -> int:
    # MAX and MIN of the key are two B-tree descents where COUNT(*) scans; deleted rows only
    # overcount. MIN matters on PostgreSQL, whose sequences never restart after a rollback.
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    cursor.execute(
        f"SELECT COALESCE(MAX({pk}) - MIN({pk}) + 1, 0) FROM {quote(model._meta.db_table)}"
    )
    return cursor.fetchone()[0]


@contextmanager
def indexes_rebuilt_after(cursor: Any, models: list, adding: int) -> Iterator[None]:
    """Drop the secondary indexes of each table the load at least doubles; rebuild them after.

    Building an index sorts once; keeping it while inserting costs a B-tree descent per row and
    index (on PostgreSQL also a trigram GIN update per row), several times more for a load as
    large as the table. Primary keys and unique indexes stay, so they still check every row.
    On PostgreSQL the DROP locks the table until commit: readers of a pool the import doubles
    wait for it.
    """
    drop = {"sqlite": _sqlite_indexes, "postgresql": _pg_indexes}.get(connection.vendor)
    rebuild: list[str] = []
    for model in models if drop else []:
        if adding >= INDEX_REBUILD_MIN_ROWS and adding >= _rows_upper_bound(cursor, model):
            for name, sql in drop(cursor, model._meta.db_table):
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                rebuild.append(sql)
    yield
    if rebuild and connection.vendor == "postgresql":
        # CREATE INDEX refuses while deferred foreign-key checks are pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # GIN builds sort in memory
    for sql in rebuild:
        cursor.execute(sql)


def _sqlite_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT name, sql FROM sqlite_master "
        "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
        "AND sql NOT LIKE 'CREATE UNIQUE%%'",
        [table],
    )
    return cursor.fetchall()


def _pg_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x "
        "JOIN pg_class c ON c.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary",
        [connection.ops.quote_name(table)],
    )
    return cursor.fetchall()


# --- SQLite full-text index ----------------------------------------------------------------


@contextmanager
def large_fts_buffer(cursor: Any, fts_table: str) -> Iterator[None]:
    """Let FTS5 build its index in larger pieces during a bulk fill: fewer segments to merge."""
    setting = f"INSERT INTO {fts_table}({fts_table}, rank) VALUES ('hashsize', %s)"
    try:
        with transaction.atomic():
            cursor.execute(setting, [FTS_HASH_BYTES])
    except DatabaseError:  # an SQLite without the option: fill at the default pace
        yield
        return
    yield
    cursor.execute(setting, [FTS_DEFAULT_HASH_BYTES])


# --- PostgreSQL ----------------------------------------------------------------------------


def copy_sql(table: str, columns: list[str]) -> str:
    quote = connection.ops.quote_name
    return f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"


def copy_rows(cursor: Any, sql: str, rows: list[tuple]) -> None:
    """COPY a chunk through psycopg 3; values go as Python objects, JSON as its text."""
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def json_text(value: Any) -> str:
    return json.dumps(value)
