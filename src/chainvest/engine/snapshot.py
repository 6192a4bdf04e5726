"""A columnar snapshot of the enterprise pool: one NumPy array per attribute, sorted by id.

The engine (classification, targeting, relatedness) reads millions of enterprises; Python objects
cost ~0.5 KB each, these arrays ~45 bytes. Link assignments are a CSR matrix: the links of row i
are link_ids[indptr[i]:indptr[i + 1]], with the same slice of confidence.

On disk a snapshot is a folder of plain .npy files plus meta.json. np.savez would pack them into
one zip, but np.load ignores mmap_mode for .npz archives; separate .npy files open memory-mapped,
so a batch job shares one copy of the pool between processes through the page cache.

Pure NumPy: no Django here (enterprises/snapshot.py reads the database).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

FORMAT_VERSION = 1
DAY_NA = np.iinfo(np.int32).min  # unknown 成立日期
INSURED_NA = -1  # unknown 参保人数
EPOCH = dt.date(1970, 1, 1)

# 登记状态 as vendors write it → a small code; anything else is OTHER, missing is UNKNOWN.
STATUS_UNKNOWN, STATUS_OTHER = 0, 127
STATUS_CODES = {
    "存续": 1,
    "在业": 2,
    "开业": 2,
    "在营": 2,
    "迁入": 3,
    "迁出": 4,
    "停业": 5,
    "清算": 6,
    "吊销": 7,
    "吊销，未注销": 7,
    "注销": 8,
    "撤销": 9,
}

# Bits of `flags`.
FLAG_ARCHIVED = 1
FLAG_MERGED = 2
FLAG_CHAIN_LEADER = 4
FLAG_LISTED = 8
FLAG_DEMO = 16

# name → dtype of the per-enterprise columns, in file order.
COLUMNS: dict[str, Any] = {
    "ids": np.int64,
    "region": np.int32,
    "industry": np.int16,
    "capital": np.float32,
    "insured": np.int32,
    "established": np.int32,
    "status": np.int8,
    "flags": np.uint8,
}
CSR = {"link_indptr": np.int64, "link_ids": np.int32, "link_conf": np.float16}


def status_code(text: str | None) -> int:
    if not text:
        return STATUS_UNKNOWN
    text = text.strip()
    if text in STATUS_CODES:
        return STATUS_CODES[text]
    # "存续（在营、开业、在册）" and the like: the leading word decides.
    for word, code in STATUS_CODES.items():
        if text.startswith(word):
            return code
    return STATUS_OTHER


def day_number(date: dt.date | None) -> int:
    return DAY_NA if date is None else (date - EPOCH).days


def industry_number(code: str | None) -> int:
    """A GB/T 4754 class code ("0111") as 111; sections (letters) and blanks as 0."""
    return int(code) if code and code.isdigit() else 0


@dataclass
class Snapshot:
    ids: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    capital: np.ndarray
    insured: np.ndarray
    established: np.ndarray
    status: np.ndarray
    flags: np.ndarray
    link_indptr: np.ndarray
    link_ids: np.ndarray
    link_conf: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in (*COLUMNS, *CSR))

    def links_of(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.link_indptr[row], self.link_indptr[row + 1]
        return self.link_ids[lo:hi], self.link_conf[lo:hi]

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Row positions of these enterprise ids (-1 where absent); ids are sorted."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self):
            return np.full(ids.shape, -1, np.int64)
        pos = np.minimum(np.searchsorted(self.ids, ids), len(self) - 1)
        return np.where(self.ids[pos] == ids, pos, -1)

    @property
    def last_id(self) -> int:
        return int(self.ids[-1]) if len(self) else 0


def empty() -> Snapshot:
    arrays = {name: np.zeros(0, dtype) for name, dtype in COLUMNS.items()}
    return Snapshot(
        **arrays,
        link_indptr=np.zeros(1, np.int64),
        link_ids=np.zeros(0, np.int32),
        link_conf=np.zeros(0, np.float16),
    )


def from_columns(
    columns: dict[str, Any],
    link_counts: Any,
    link_ids: Any,
    link_conf: Any,
    meta: dict[str, Any] | None = None,
    check: bool = True,
) -> Snapshot:
    """Arrays cast to the snapshot's dtypes; `link_counts[i]` links of row i, in order."""
    arrays = {name: np.asarray(columns[name], dtype=dtype) for name, dtype in COLUMNS.items()}
    counts = np.asarray(link_counts, dtype=np.int64)
    indptr = np.zeros(counts.shape[0] + 1, np.int64)
    np.cumsum(counts, out=indptr[1:])
    snap = Snapshot(
        **arrays,
        link_indptr=indptr,
        link_ids=np.asarray(link_ids, dtype=np.int32),
        link_conf=np.asarray(link_conf, dtype=np.float16),
        meta=dict(meta or {}),
    )
    if check:
        _check(snap)
    return snap


def _check(snap: Snapshot) -> None:
    n = len(snap)
    for name in COLUMNS:
        if getattr(snap, name).shape != (n,):
            raise ValueError(f"snapshot column {name} has {getattr(snap, name).shape}, not ({n},)")
    if snap.link_indptr.shape != (n + 1,) or snap.link_indptr[-1] != snap.link_ids.shape[0]:
        raise ValueError("snapshot link_indptr does not match link_ids")
    if snap.link_conf.shape != snap.link_ids.shape:
        raise ValueError("snapshot link_conf does not match link_ids")
    if n > 1 and not bool(np.all(snap.ids[1:] > snap.ids[:-1])):
        raise ValueError("snapshot ids must be strictly increasing")


def concat(
    parts: list[Snapshot], meta: dict[str, Any] | None = None, check: bool = True
) -> Snapshot:
    """Parts in id order (each sorted, ranges not overlapping) joined into one snapshot."""
    if not parts:
        return empty()
    columns = {name: np.concatenate([getattr(p, name) for p in parts]) for name in COLUMNS}
    counts = np.concatenate([np.diff(p.link_indptr) for p in parts])
    return from_columns(
        columns,
        counts,
        np.concatenate([p.link_ids for p in parts]),
        np.concatenate([p.link_conf for p in parts]),
        meta,
        check,
    )


def take(snap: Snapshot, rows: np.ndarray) -> Snapshot:
    """The rows at these positions (in the order given), links included."""
    rows = np.asarray(rows, dtype=np.int64)
    columns = {name: getattr(snap, name)[rows] for name in COLUMNS}
    starts, ends = snap.link_indptr[rows], snap.link_indptr[rows + 1]
    counts = ends - starts
    # Positions of every kept link: start of its row plus its offset inside the row.
    offsets = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    where = np.repeat(starts, counts) + offsets
    return from_columns(columns, counts, snap.link_ids[where], snap.link_conf[where], snap.meta)


def update(
    base: Snapshot, changed: Snapshot, removed_ids: Any = (), meta: dict | None = None
) -> Snapshot:
    """`base` with the rows of `changed` replacing (or adding) theirs and `removed_ids` gone."""
    drop = np.union1d(changed.ids, np.asarray(removed_ids, dtype=np.int64))
    keep = np.flatnonzero(~np.isin(base.ids, drop))
    merged = concat([take(base, keep), changed], check=False)
    order = np.argsort(merged.ids, kind="stable")
    result = take(merged, order)
    result.meta = dict(meta if meta is not None else base.meta)
    return result


def save(snap: Snapshot, directory: Path) -> Path:
    """Write the snapshot to `directory`, replacing it whole: a reader never sees half of one."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=directory.parent))
    for name in (*COLUMNS, *CSR):
        np.save(staging / f"{name}.npy", getattr(snap, name), allow_pickle=False)
    meta = {**snap.meta, "format": FORMAT_VERSION, "rows": len(snap), "last_id": snap.last_id}
    (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    old = directory.with_name(directory.name + ".old")
    if directory.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.replace(directory, old)
    os.replace(staging, directory)
    shutil.rmtree(old, ignore_errors=True)
    return directory


def load(directory: Path, mmap: bool = True) -> Snapshot:
    """Open a saved snapshot; memory-mapped (read-only) unless `mmap` is False."""
    directory = Path(directory)
    meta = json.loads((directory / "meta.json").read_text())
    if meta.get("format") != FORMAT_VERSION:
        raise ValueError(f"snapshot format {meta.get('format')} is not {FORMAT_VERSION}")
    mode = "r" if mmap else None
    arrays = {
        name: np.load(directory / f"{name}.npy", mmap_mode=mode, allow_pickle=False)
        for name in (*COLUMNS, *CSR)
    }
    return Snapshot(**arrays, meta=meta)


def disk_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in Path(directory).iterdir() if p.is_file())
