"""Which 导入中 batches still have a living importer, and closing those whose process died.

An import runs in one transaction, so a server killed midway loses nothing, but its batch row
(committed at the start so the page can follow it) would say 导入中 for ever. Each running
import therefore holds an exclusive flock on var/imports/running/batch-N.lock; the kernel drops
the lock when the process dies, however it dies. Whoever reads the batches then finds a lock
file nobody holds and marks the batch failed (mark_interrupted, called by the import pages).

A batch without a lock file is left alone: it was started before this scheme, or by a test.
The lock lives on the server's disk, so every process importing must share VAR_DIR (one
machine, as deployed; several machines sharing only the database would need a database lock).
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from chainvest.enterprises.models import ImportBatch, ImportStatus

INTERRUPTED = "导入中断：服务器进程在导入途中停止，本次导入未写入任何企业，请重新导入"

_held: dict[int, int] = {}  # batch id → the open descriptor holding its lock
_guard = threading.Lock()


def lock_path(batch_id: int) -> Path:
    return Path(settings.VAR_DIR) / "imports" / "running" / f"batch-{batch_id}.lock"


def hold(batch_id: int) -> None:
    """Take the batch's lock for this process until release() (or the process's death)."""
    path = lock_path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    with _guard:
        _held[batch_id] = fd


def release(batch_id: int) -> None:
    """Drop the lock once the batch's outcome is saved; a batch never held is a no-op."""
    with _guard:
        fd = _held.pop(batch_id, None)
    if fd is None:
        return
    lock_path(batch_id).unlink(missing_ok=True)
    os.close(fd)


def is_orphaned(batch_id: int) -> bool:
    """True when the batch's lock file exists and no living process holds it."""
    with _guard:
        if batch_id in _held:
            return False
    try:
        fd = os.open(lock_path(batch_id), os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops the probe's own lock at once
    return True


def mark_interrupted() -> int:
    """Mark failed every running batch whose importer died; returns how many were closed.

    The update is conditional on the status, so an import finishing at the same moment keeps
    its own outcome.
    """
    running = ImportBatch.objects.filter(status=ImportStatus.RUNNING).values_list("pk", flat=True)
    dead = [pk for pk in running if is_orphaned(pk)]
    if not dead:
        return 0
    closed = ImportBatch.objects.filter(pk__in=dead, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED,
        finished_at=timezone.now(),
        errors=[{"row": 0, "column": "", "value": "", "message": INTERRUPTED}],
    )
    for pk in dead:
        lock_path(pk).unlink(missing_ok=True)
    return closed
