"""The compiled phrase scan behind engine.classify: one pass over a chunk's names and scopes.

Numba compiles `scan_parts` to machine code on first use (cached beside this file afterwards).
It does in one loop what the vectorised path in classify.py does in some twenty whole-array
passes: find every occurrence of every phrase, drop the negated ones and those inside a longer
match, and number each scope match's item within its list. The rules are the ones documented
in classify.py and docs/classification.md; tests/engine/test_classify_fast.py holds the two
paths and a plain Python reference to the same output.

Generic Aho–Corasick libraries were measured first and are slower here (bench/bench_classify.py
prints pyahocorasick's scan): with ~1,700 CJK phrases their root state has hundreds of
children, and they hand every match back as a Python object.
"""

from __future__ import annotations

import numpy as np
from numba import njit

KEYWORD, PRODUCT, NEGATION, HEADER = 0, 1, 2, 3
CHAR_SEPARATOR, CHAR_STOP = 1, 2
HASH_MULT = 0x9E3779B1
HASH_BITS = 18
HASH_MASK = (1 << HASH_BITS) - 1


@njit(cache=True, nogil=True)
def _grow(array: np.ndarray, size: int) -> np.ndarray:
    out = np.empty(max(2 * array.size, size), array.dtype)
    out[: array.size] = array
    return out


@njit(cache=True, nogil=True)
def _find_in_part(text, lo, hi, table, bucket_start, bucket_count, bucket_patterns, flat, offset,
                  length, pos, pid):  # fmt: skip
    """Occurrences in text[lo:hi] into (pos, pid), in text order; returns them and their count."""
    k = 0
    for i in range(lo, hi - 1):
        bucket = table[(np.int64(text[i]) * HASH_MULT + np.int64(text[i + 1])) & HASH_MASK]
        if bucket == 0:
            continue
        first = bucket_start[bucket - 1]
        for slot in range(first, first + bucket_count[bucket - 1]):
            q = bucket_patterns[slot]
            size = length[q]
            if i + size > hi:
                continue
            start = offset[q]
            same = True
            for j in range(2, size):
                if text[i + j] != flat[start + j]:
                    same = False
                    break
            if same and text[i] == flat[start] and text[i + 1] == flat[start + 1]:
                if k == pos.size:
                    pos, pid = _grow(pos, k + 1), _grow(pid, k + 1)
                pos[k], pid[k] = i, q
                k += 1
    return pos, pid, k


@njit(cache=True, nogil=True)
def _negated(text, hi, pos, pid, k, length, kind, classes, out):
    """out[m] = True when match m starts inside a negation (trigger up to the next stop)."""
    for m in range(k):
        out[m] = False
    for t in range(k):
        if kind[pid[t]] != NEGATION:
            continue
        stop = pos[t] + length[pid[t]]
        while stop < hi and (classes[text[stop]] & CHAR_STOP) == 0:
            stop += 1
        for m in range(k):
            if kind[pid[m]] != NEGATION and pos[t] <= pos[m] < stop:
                out[m] = True


@njit(cache=True, nogil=True)
def _rank(text, lo, at, pos, pid, k, length, kind, classes) -> int:
    """Item number of a scope match at `at`: separators since the last list start or header."""
    reset = lo
    for h in range(k):
        end = pos[h] + length[pid[h]]
        if kind[pid[h]] == HEADER and reset < end <= at:
            reset = end
    count = 0
    for i in range(reset, at):
        if classes[text[i]] & CHAR_SEPARATOR:
            count += 1
    return count


@njit(cache=True, nogil=True)
def scan_parts(text, starts, table, bucket_start, bucket_count, bucket_patterns, flat, offset,
               length, kind, classes):  # fmt: skip
    """The live matches of a chunk: (enterprise, pattern, item rank, in the name?) arrays.

    `text` holds name, scope, name, scope… each followed by a record-end stop character;
    `starts` is where each part begins. A match is live when it is a keyword (scope) or a
    keyword or product (name), is not negated and lies inside no longer live match of its part.
    """
    parts = starts.size
    cap = max(1024, 4 * parts)
    ent = np.empty(cap, np.int64)
    pat = np.empty(cap, np.int64)
    rank = np.empty(cap, np.int64)
    in_name = np.empty(cap, np.bool_)
    pos = np.empty(64, np.int64)
    pid = np.empty(64, np.int64)
    dead = np.empty(64, np.bool_)
    n = 0
    for p in range(parts):
        lo = starts[p]
        hi = starts[p + 1] - 1 if p + 1 < parts else text.size - 1
        pos, pid, k = _find_in_part(text, lo, hi, table, bucket_start, bucket_count,
                                    bucket_patterns, flat, offset, length, pos, pid)  # fmt: skip
        if k == 0:
            continue
        if dead.size < k:
            dead = np.empty(pos.size, np.bool_)
        _negated(text, hi, pos, pid, k, length, kind, classes, dead)
        name = (p & 1) == 0
        for m in range(k):
            what = kind[pid[m]]
            if dead[m] or not (what <= PRODUCT if name else what == KEYWORD):
                dead[m] = True
        for m in range(k):
            if dead[m]:
                continue
            end = pos[m] + length[pid[m]]
            inside = False
            for o in range(k):
                if dead[o] or o == m:
                    continue
                other = pos[o] + length[pid[o]]
                if (pos[o] < pos[m] and other >= end) or (pos[o] == pos[m] and other > end):
                    inside = True
                    break
            if inside:
                continue
            if n == ent.size:
                ent, pat = _grow(ent, n + 1), _grow(pat, n + 1)
                rank, in_name = _grow(rank, n + 1), _grow(in_name, n + 1)
            ent[n], pat[n], in_name[n] = p >> 1, pid[m], name
            rank[n] = 0 if name else _rank(text, lo, pos[m], pos, pid, k, length, kind, classes)
            n += 1
    return ent[:n], pat[:n], rank[:n], in_name[:n]
