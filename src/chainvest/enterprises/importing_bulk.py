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


# --- SQLite --------------------------------------------------------------------------------


def _rows_upper_bound(cursor: Any, table: str) -> int:
    # MAX(rowid) is a single B-tree descent where COUNT(*) scans; deleted rows only overcount.
    cursor.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {connection.ops.quote_name(table)}")
    return cursor.fetchone()[0]


@contextmanager
def indexes_rebuilt_after(cursor: Any, tables: list[str], adding: int) -> Iterator[None]:
    """On SQLite, drop the secondary indexes of a table that at least doubles, rebuild after.

    Building an index sorts once; keeping it while inserting costs a B-tree descent per row and
    index, about twice as much for a load as large as the table. Unique constraints stay.
    """
    rebuild: list[str] = []
    if connection.vendor == "sqlite":
        for table in tables:
            if adding >= _rows_upper_bound(cursor, table):
                rebuild += _drop_indexes(cursor, table)
    yield
    for sql in rebuild:
        cursor.execute(sql)


def _drop_indexes(cursor: Any, table: str) -> list[str]:
    cursor.execute(
        "SELECT name, sql FROM sqlite_master "
        "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
        [table],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [sql for _, sql in found]


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
