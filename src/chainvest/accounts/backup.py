"""Whole-database backup and restore: SQLite through its online backup API, PostgreSQL through
pg_dump/pg_restore (custom format). Both copy everything, history and users included."""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Created by `migrate` itself, so their rows say nothing about whether the database holds data.
SCAFFOLDING = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is for the operator."""


def vendor() -> str:
    return connection.vendor


def pg_binary(name: str) -> str:
    """pg_dump must be at least the server's version: prefer the newest installed one."""
    override = os.environ.get("CHAINVEST_PG_BIN")
    candidates = [str(Path(override) / name)] if override else []
    versioned = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates += sorted(versioned, key=lambda p: int(Path(p).parts[-3]), reverse=True)
    candidates += [shutil.which(name) or ""]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"找不到 {name}：请安装 postgresql-client，或用 CHAINVEST_PG_BIN 指定目录")


def _pg_args() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--no-password"]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if s.get(key):
            args += [flag, str(s[key])]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败：{result.stderr.strip()}")


def backup(path: Path) -> None:
    """Write a consistent copy of the database to `path`, while the application keeps running."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if vendor() == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif vendor() == "postgresql":
        args, env = _pg_args()
        name = connection.settings_dict["NAME"]
        _run([pg_binary("pg_dump"), *args, "-Fc", "-f", str(path), name], env)
    else:
        raise BackupError(f"不支持的数据库：{vendor()}")


def data_tables() -> list:
    existing = set(connection.introspection.table_names())
    return [
        m
        for m in apps.get_models()
        if m._meta.label_lower not in SCAFFOLDING and m._meta.db_table in existing
    ]


def holds_data() -> bool:
    return any(model._base_manager.exists() for model in data_tables())


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    with path.open("rb") as fh:
        head = fh.read(16)
    expected = SQLITE_MAGIC if vendor() == "sqlite" else PGDUMP_MAGIC
    if not head.startswith(expected):
        kind = "SQLite" if vendor() == "sqlite" else "PostgreSQL（pg_dump 自定义格式）"
        raise BackupError(f"{path} 不是 {kind} 备份文件，当前数据库为 {vendor()}")


def restore(path: Path, force: bool = False) -> None:
    """Replace the whole database with the backup; refuses to overwrite data unless forced."""
    _check_file(path)
    if not force and holds_data():
        raise BackupError(
            "当前数据库已有数据，恢复将覆盖全部记录。确认要覆盖，请加 --force 重新运行"
        )
    if vendor() == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif vendor() == "postgresql":
        connection.close()
        args, env = _pg_args()
        name = connection.settings_dict["NAME"]
        flags = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
        _run([pg_binary("pg_restore"), *args, *flags, "-d", name, str(path)], env)
    else:
        raise BackupError(f"不支持的数据库：{vendor()}")


def fingerprints() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the content of every table, independent of row order."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(str(v) for v in row)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            out[table] = (len(rows), digest)
    return out
