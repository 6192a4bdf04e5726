"""The pool's columnar snapshot (engine.snapshot), built from the database and kept up to date.

Full build: enterprises are read in id order, `chunk` rows at a time, as tuples (values_list,
keyset paging on id: no model instances, no OFFSET), and turned into arrays chunk by chunk.

Incremental rebuild (`rebuild_snapshot`): the snapshot remembers when its build started
(`built_at`) and its highest id. A rebuild re-reads only
- rows with an id above that highest id (new enterprises, however they were inserted), and
- rows with an entry in the history table (HistoricalEnterprise.history_date) since `built_at`
  minus a safety margin: edits, archiving, merges, deletions (a deleted row leaves the snapshot).
The margin covers transactions that began before the last build but committed after it read;
re-reading a few rows twice is harmless. Writes that bypass the history (QuerySet.update, raw
SQL updates) are not seen: run a full build after such a bulk change (`full=True`).
Link assignments (EnterpriseLink) keep no history, so by default a rebuild re-reads all of them
(one pass over that table, in chunks); `links=False` keeps the snapshot's assignments for the
rows that did not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from chainvest.engine import snapshot as sn
from chainvest.enterprises.models import Enterprise, EnterpriseLink
from chainvest.regions.models import IndustryCode, Region

CHUNK = 50_000
SAFETY_MARGIN = dt.timedelta(minutes=5)
FIELDS = (
    "id",
    "region_id",
    "industry_id",
    "registered_capital_wan",
    "insured_count",
    "established_date",
    "status",
    "archived",
    "merged_into_id",
    "is_chain_leader",
    "is_listed",
    "is_demo",
)


def snapshot_dir() -> Path:
    return Path(settings.VAR_DIR) / "snapshot"


class _Codes:
    """Region and industry ids → the numeric codes the arrays hold (small tables, read once)."""

    def __init__(self) -> None:
        self.region = {pk: int(code) for pk, code in Region.objects.values_list("id", "code")}
        self.industry = {
            pk: sn.industry_number(code)
            for pk, code in IndustryCode.objects.values_list("id", "code")
        }


def _flags(row: tuple) -> int:
    archived, merged, leader, listed, demo = row[7:12]
    return (
        (sn.FLAG_ARCHIVED if archived else 0)
        | (sn.FLAG_MERGED if merged else 0)
        | (sn.FLAG_CHAIN_LEADER if leader else 0)
        | (sn.FLAG_LISTED if listed else 0)
        | (sn.FLAG_DEMO if demo else 0)
    )


def _columns(rows: list[tuple], codes: _Codes) -> dict[str, list]:
    nan = float("nan")
    return {
        "ids": [r[0] for r in rows],
        "region": [codes.region.get(r[1], 0) for r in rows],
        "industry": [codes.industry.get(r[2], 0) for r in rows],
        "capital": [nan if r[3] is None else float(r[3]) for r in rows],
        "insured": [sn.INSURED_NA if r[4] is None else r[4] for r in rows],
        "established": [sn.day_number(r[5]) for r in rows],
        "status": [sn.status_code(r[6]) for r in rows],
        "flags": [_flags(r) for r in rows],
    }


def _links(qs: QuerySet, ids: np.ndarray) -> tuple[np.ndarray, list, list]:
    """CSR parts for these (sorted) enterprise ids from the assignments in `qs`."""
    rows = qs.order_by("enterprise_id", "link_id").values_list(
        "enterprise_id", "link_id", "confidence"
    )
    rows = [r for r in rows]
    owners = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    keep = np.isin(owners, ids)
    counts = np.bincount(np.searchsorted(ids, owners[keep]), minlength=len(ids))
    kept = [r for r, k in zip(rows, keep, strict=True) if k]
    return counts, [r[1] for r in kept], [r[2] for r in kept]


def _part(rows: list[tuple], codes: _Codes, links: QuerySet) -> sn.Snapshot:
    columns = _columns(rows, codes)
    ids = np.asarray(columns["ids"], np.int64)
    counts, link_ids, conf = _links(links, ids)
    return sn.from_columns(columns, counts, link_ids, conf)


def _id_range_chunks(qs: QuerySet, after: int, chunk: int) -> Iterator[list[tuple]]:
    last = after
    while True:
        rows = list(qs.filter(id__gt=last).order_by("id").values_list(*FIELDS)[:chunk])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _read_after(after: int, codes: _Codes, chunk: int) -> list[sn.Snapshot]:
    """Every enterprise with an id above `after`, chunk by chunk."""
    parts = []
    previous = after
    for rows in _id_range_chunks(Enterprise.objects.all(), after, chunk):
        links = EnterpriseLink.objects.filter(
            enterprise_id__gt=previous, enterprise_id__lte=rows[-1][0]
        )
        parts.append(_part(rows, codes, links))
        previous = rows[-1][0]
    return parts


def _read_ids(ids: list[int], codes: _Codes, chunk: int) -> list[sn.Snapshot]:
    """These enterprises (those that still exist), chunk by chunk; `chunk` ≤ SQLite's limit."""
    parts = []
    step = min(chunk, 10_000)
    for start in range(0, len(ids), step):
        batch = ids[start : start + step]
        rows = list(Enterprise.objects.filter(id__in=batch).order_by("id").values_list(*FIELDS))
        if rows:
            links = EnterpriseLink.objects.filter(enterprise_id__in=batch)
            parts.append(_part(rows, codes, links))
    return parts


def _meta(started: dt.datetime, mode: str) -> dict[str, Any]:
    return {"built_at": started.isoformat(), "mode": mode}


def build_snapshot(directory: Path | None = None, chunk: int = CHUNK) -> sn.Snapshot:
    """Read the whole pool into a new snapshot and save it (under VAR_DIR/snapshot)."""
    started = timezone.now()
    snap = sn.concat(_read_after(0, _Codes(), chunk), _meta(started, "full"))
    sn.save(snap, directory or snapshot_dir())
    return snap


def _changed_since(since: dt.datetime, last_id: int) -> list[int]:
    history = Enterprise.history.filter(history_date__gte=since, id__lte=last_id)
    return sorted(set(history.values_list("id", flat=True)))


def _refresh_links(snap: sn.Snapshot, chunk: int) -> sn.Snapshot:
    """All assignments read again, aligned with the snapshot's rows."""
    counts, link_ids, conf = [], [], []
    for start in range(0, len(snap), chunk):
        ids = np.asarray(snap.ids[start : start + chunk])
        qs = EnterpriseLink.objects.filter(enterprise_id__gte=ids[0], enterprise_id__lte=ids[-1])
        part = _links(qs, ids)
        counts.append(part[0])
        link_ids += part[1]
        conf += part[2]
    columns = {name: getattr(snap, name) for name in sn.COLUMNS}
    all_counts = np.concatenate(counts) if counts else np.zeros(0, np.int64)
    return sn.from_columns(columns, all_counts, link_ids, conf, snap.meta)


def rebuild_snapshot(
    directory: Path | None = None, chunk: int = CHUNK, full: bool = False, links: bool = True
) -> sn.Snapshot:
    """Bring the saved snapshot up to date, re-reading only what changed (see module notes)."""
    directory = directory or snapshot_dir()
    try:
        base = sn.load(directory)
    except (FileNotFoundError, ValueError, KeyError):
        full = True
    if full:
        return build_snapshot(directory, chunk)
    started = timezone.now()
    since = dt.datetime.fromisoformat(base.meta["built_at"]) - SAFETY_MARGIN
    changed_ids = _changed_since(since, base.last_id)
    codes = _Codes()
    changed = sn.concat(
        _read_ids(changed_ids, codes, chunk) + _read_after(base.last_id, codes, chunk)
    )
    gone = np.setdiff1d(np.asarray(changed_ids, np.int64), changed.ids)
    meta = {**_meta(started, "incremental"), "reread": len(changed), "removed": len(gone)}
    snap = sn.update(base, changed, gone, meta)
    if links:
        snap = _refresh_links(snap, chunk)
    sn.save(snap, directory)
    return snap
