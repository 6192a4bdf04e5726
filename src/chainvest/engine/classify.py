"""Enterprises onto chain links: business scope, name and industry class against link keywords.

Pure Python and NumPy. A Classifier is built once from the links (keywords, products, GB/T 4754
classes) and then places any number of enterprises. The scoring is documented in
docs/classification.md; in short, every piece of evidence for a (enterprise, link) pair gives a
probability and the confidence is their noisy-or, 1 - Π(1 - p):

- a keyword found in the business scope: p = keyword × position × specificity, where position
  favours the leading item of the scope (经营范围 lists the main business first) and
  specificity = df ** -specificity_power, df being the number of links that list the keyword;
- a keyword or product found in the enterprise name: p = name × specificity;
- the enterprise's industry class among the link's classes: p = industry × specificity.

Negated text ("不含危险化学品", "（除生产性废旧金属）") and the standard closing sentences
("（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）") never match. When both a link and
one of its sub-links qualify, only the sub-link is kept: the most specific placement wins.

Matching runs over a whole chunk of enterprises at once: by default in one compiled pass
(engine.scan, Numba), else (compiled=False) in whole-array NumPy passes (see _Matcher); both
give the same output (tests/engine/test_classify_fast.py). pyahocorasick, the first choice,
scans a 115-character scope in 16–21 µs with this vocabulary (its trie nodes search their
children one by one and the root has hundreds); bench/bench_classify.py prints that figure.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from chainvest.engine import scan
from chainvest.engine.scan import scan_parts

# A negation or a standard closing sentence runs from its trigger to the end of the item or of
# the bracket it sits in; nothing inside it matches ("不含危险化学品", "（除依法须经批准的项目外，
# 凭营业执照依法自主开展经营活动）"). "除" alone is no trigger: "除尘设备制造" is an item.
NEGATIONS = (
    "不含",
    "不包括",
    "不涉及",
    "不从事",
    "不得",
    "禁止",
    "（除",
    "除许可业务",
    "除危险化学品",
    "除国家",
    "依法须经批准",
    "凭营业执照",
    "具体经营项目以",
)
# Each of these starts a new list of items; the first item after it is a leading item again.
HEADERS = ("一般项目", "许可项目", "经营范围")
SEGMENT_SEPARATORS = "；;。，,"
STOPS = "；;。）)"
_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "；": ";", "，": ","})
_RECORD_END = "\x01"  # between enterprises in a batch; never part of a pattern


@dataclass(frozen=True)
class LinkRule:
    """What the classifier knows of one link."""

    key: str  # "chain-code:link-code"
    name: str
    keywords: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
    parent: str | None = None  # key of the parent link, if any


@dataclass(frozen=True)
class Weights:
    """The scoring knobs; the defaults are the ones measured in docs/classification.md."""

    keyword: float = 0.70
    name: float = 0.45
    industry: float = 0.45
    # Position factor of a scope keyword: the first item of a list, the 2nd–3rd, the rest.
    position: tuple[float, float, float] = (1.0, 0.70, 0.55)
    specificity_power: float = 0.5
    threshold: float = 0.5


class Match(NamedTuple):
    link: int
    confidence: float
    reasons: list[str]


class Batch(NamedTuple):
    """Placements of a batch: parallel arrays, sorted by enterprise then link."""

    enterprise: np.ndarray  # int64, index into the batch
    link: np.ndarray  # int32, index into Classifier.links
    confidence: np.ndarray  # float32, 0..1
    reasons: list[list[str]] | None = None


# ---------------------------------------------------------------- vectorised phrase matching

_HASH_MULT = np.uint32(scan.HASH_MULT)
_HASH_BITS = scan.HASH_BITS


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _bigram_hash(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return (first * _HASH_MULT + second) & np.uint32((1 << _HASH_BITS) - 1)


def _expand(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs (start, count): the owner of each element and the element index start + k."""
    owner = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, starts[owner] + within


class _Matcher:
    """Every occurrence of every pattern (at least two characters) in an array of code points.

    Positions whose first two characters hash to the first two characters of some pattern are
    candidates; each (candidate, pattern of its bucket) is then confirmed in O(1) by comparing a
    polynomial hash (mod 2**64) of the text window with the pattern's, read off prefix sums of
    the text. All of it is whole-array NumPy work: a handful of passes over the text.
    """

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = list(patterns)
        codes = [_codes(p) for p in self.patterns]
        if any(len(c) < 2 for c in codes):
            raise ValueError("匹配词至少需要两个字符")
        self.lengths = np.array([len(c) for c in codes], dtype=np.int64)
        self.hashes = np.array([_poly_hash(c) for c in codes], dtype=np.uint64).view(np.int64)
        first = np.array([c[0] for c in codes], dtype=np.uint32)
        second = np.array([c[1] for c in codes], dtype=np.uint32)
        buckets = _bigram_hash(first, second).astype(np.int64)
        order = np.argsort(buckets, kind="stable")
        self.bucket_patterns = order
        uniq, starts, counts = np.unique(buckets[order], return_index=True, return_counts=True)
        # Bucket number + 1 (0 = none); a small table stays in the CPU cache.
        kind = np.int16 if len(uniq) < np.iinfo(np.int16).max else np.int32
        self.table = np.zeros(1 << _HASH_BITS, dtype=kind)
        self.table[uniq] = np.arange(1, len(uniq) + 1, dtype=kind)
        self.bucket_start, self.bucket_count = starts, counts
        # The patterns' code points end to end, for the compiled scan (engine.scan).
        self.flat = np.concatenate(codes) if codes else np.zeros(0, np.uint32)
        self.offsets = np.cumsum(self.lengths) - self.lengths

    def find(self, text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(start positions, pattern ids) of all occurrences, in no particular order."""
        if text.size < 2 or not self.patterns:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        hit = self.table[_bigram_hash(text[:-1], text[1:])]
        pos = np.flatnonzero(hit)
        bucket = hit[pos] - 1
        owner, slot = _expand(self.bucket_start[bucket], self.bucket_count[bucket])
        pos, pid = pos[owner], self.bucket_patterns[slot]
        # Windows may run past the end: the zero padding never equals a pattern character.
        size = text.size + int(self.lengths.max())
        power, inverse = _powers(size)
        prefix = np.empty(size + 1, dtype=np.int64)
        prefix[0] = 0
        prefix[1 : text.size + 1] = np.cumsum(text * power[: text.size])
        prefix[text.size + 1 :] = prefix[text.size]
        end = pos + self.lengths[pid]
        ok = (prefix[end] - prefix[pos]) * inverse[pos] == self.hashes[pid]
        return pos[ok], pid[ok]


_RADIX = 0x100000001B3  # odd, so invertible mod 2**64
_MASK64 = (1 << 64) - 1
_POWER_CACHE: list[np.ndarray] = []


def _geometric(ratio: int, size: int) -> np.ndarray:
    """ratio**i mod 2**64 for i < size, by doubling: [p, p * ratio**len(p)]."""
    out = np.ones(1, dtype=np.uint64)
    step = ratio
    while len(out) < size:
        out = np.concatenate([out, out * np.uint64(step)])
        step = (step * step) & _MASK64
    return out[:size].view(np.int64)


def _poly_hash(codes: np.ndarray) -> int:
    value, power = 0, 1
    for code in codes.tolist():
        value = (value + code * power) & _MASK64
        power = (power * _RADIX) & _MASK64
    return value


def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """RADIX**i and RADIX**-i mod 2**64 for i < size (cached, grown by doubling)."""
    if not _POWER_CACHE or len(_POWER_CACHE[0]) < size:
        size = max(size, 2 * len(_POWER_CACHE[0]) if _POWER_CACHE else 1 << 16)
        _POWER_CACHE[:] = [_geometric(_RADIX, size), _geometric(pow(_RADIX, -1, 1 << 64), size)]
    return _POWER_CACHE[0], _POWER_CACHE[1]


# ---------------------------------------------------------------- the classifier

# Kinds of patterns. Products only count in the name; the others only in the scope.
_KEYWORD, _PRODUCT, _NEGATION, _HEADER = scan.KEYWORD, scan.PRODUCT, scan.NEGATION, scan.HEADER
_CHAR_SEPARATOR, _CHAR_STOP = scan.CHAR_SEPARATOR, scan.CHAR_STOP
_SCOPE, _NAME, _CLASS = 0, 1, 2  # kinds of evidence


def _variants(phrase: str) -> list[str]:
    """The phrase as written and with half-width punctuation, as vendors export both."""
    return list(dict.fromkeys([phrase, phrase.translate(_WIDTH)]))


def _char_classes() -> np.ndarray:
    table = np.zeros(0x110000, dtype=np.uint8)
    for ch in SEGMENT_SEPARATORS:
        table[ord(ch)] |= _CHAR_SEPARATOR
    for ch in STOPS + _RECORD_END:
        table[ord(ch)] |= _CHAR_STOP
    return table


@dataclass
class _Evidence:
    """Pattern (or class) → links, in CSR form, with each entry's specificity."""

    offsets: np.ndarray
    counts: np.ndarray
    links: np.ndarray
    specificity: np.ndarray
    owner: np.ndarray  # the pattern of each entry

    @classmethod
    def build(cls, per_pattern: list[list[int]], power: float) -> _Evidence:
        counts = np.array([len(x) for x in per_pattern], dtype=np.int64)
        links = np.array([i for x in per_pattern for i in x], dtype=np.int64)
        spec = np.array([len(x) ** -power for x in per_pattern for _ in x], dtype=np.float64)
        owner = np.repeat(np.arange(len(counts)), counts)
        return cls(np.cumsum(counts) - counts, counts, links, spec, owner)

    def expand(self, pattern_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(owner match index, table entry) for every link of every matched pattern."""
        return _expand(self.offsets[pattern_ids], self.counts[pattern_ids])


def _link_lists(phrases_of: Iterable[Iterable[str]]) -> dict[str, list[int]]:
    lists: dict[str, list[int]] = {}
    for index, phrases in enumerate(phrases_of):
        for phrase in phrases:
            if len(phrase) >= 2 and index not in lists.setdefault(phrase, []):
                lists[phrase].append(index)
    return lists


class _Index(dict):
    """Class code → number; unknown codes (and None) read as -1, with the lookup kept in C."""

    def __missing__(self, key) -> int:
        return -1


class _Rows:
    """Evidence rows of a chunk: enterprise, link, log(1 - p), kind of evidence, detail."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, ent, link, prob, kind: int, detail) -> None:
        miss = np.log1p(-np.minimum(prob, 0.999))
        self.parts.append((ent, link, miss, np.full(len(ent), kind, np.int8), detail))

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(np.concatenate(column) for column in zip(*self.parts, strict=True))


class Classifier:
    """Places enterprises on links. Build once, then call classify or classify_many."""

    def __init__(
        self,
        links: Sequence[LinkRule],
        class_names: Mapping[str, str] | None = None,
        weights: Weights | None = None,
        compiled: bool = True,
    ) -> None:
        self.links = list(links)
        # compiled=False: the whole-array NumPy scan, kept as the second implementation the
        # compiled one is tested and benchmarked against.
        self.compiled = compiled
        self.class_names = dict(class_names or {})
        self.weights = weights or Weights()
        self._build_patterns()
        classes = _link_lists(r.industry_codes for r in self.links)
        self._class_codes = list(classes)
        self._class_index = _Index((c, i) for i, c in enumerate(self._class_codes))
        power = self.weights.specificity_power
        self._by_class = _Evidence.build([classes[c] for c in self._class_codes], power)
        index = {rule.key: i for i, rule in enumerate(self.links)}
        self.parent = np.array([index.get(r.parent, -1) for r in self.links], dtype=np.int64)
        self._chars = _char_classes()

    def _build_patterns(self) -> None:
        """One matcher for everything: keywords, products, negations and list headers."""
        keywords = _link_lists(r.keywords for r in self.links)
        in_names = _link_lists((*r.keywords, *r.products) for r in self.links)
        entries = [(phrase, _KEYWORD if phrase in keywords else _PRODUCT) for phrase in in_names]
        entries += [(p, _NEGATION) for p in NEGATIONS] + [(p, _HEADER) for p in HEADERS]
        patterns: dict[str, tuple[int, str]] = {}
        for phrase, kind in entries:
            for variant in _variants(phrase):
                patterns.setdefault(variant, (kind, phrase))
        self._matcher = _Matcher(list(patterns))
        self._kind = np.array([kind for kind, _ in patterns.values()], dtype=np.int8)
        self._phrase = [phrase for _, phrase in patterns.values()]
        power = self.weights.specificity_power
        self._by_scope = _Evidence.build([keywords.get(p, []) for p in self._phrase], power)
        self._by_name = _Evidence.build([in_names.get(p, []) for p in self._phrase], power)

    # ------------------------------------------------------------ public API

    def classify(self, name: str, scope: str, industry_code: str | None = None) -> list[Match]:
        """One enterprise: its links, best first, each with confidence and reasons."""
        batch = self.classify_many([name], [scope], [industry_code], reasons=True)
        matches = [
            Match(int(link), float(conf), why)
            for link, conf, why in zip(batch.link, batch.confidence, batch.reasons, strict=True)
        ]
        return sorted(matches, key=lambda m: (-m.confidence, m.link))

    def classify_many(
        self,
        names: Sequence[str | None],
        scopes: Sequence[str | None],
        industry_codes: Sequence[str | None],
        reasons: bool = False,
        processes: int = 1,
        chunk_size: int = 20_000,
    ) -> Batch:
        """A batch of enterprises (parallel sequences); `processes` > 1 splits it in chunks."""
        n = len(scopes)
        if not len(names) == len(industry_codes) == n:
            raise ValueError("names、scopes、industry_codes 的长度必须相同")
        bounds = [(lo, min(lo + chunk_size, n)) for lo in range(0, n, chunk_size)]
        jobs = [(names[a:b], scopes[a:b], industry_codes[a:b], reasons) for a, b in bounds]
        if processes > 1 and len(jobs) > 1:
            context = multiprocessing.get_context("fork")
            with context.Pool(processes, initializer=_install, initargs=(self,)) as pool:
                parts = pool.map(_classify_job, jobs, chunksize=1)
        else:
            parts = [self.classify_chunk(*job) for job in jobs]
        return _concat(parts, [a for a, _ in bounds], reasons)

    def classify_chunk(self, names, scopes, codes, reasons: bool = False) -> Batch:
        """One chunk in this process (classify_many splits a batch into these)."""
        rows = _Rows()
        self._text_evidence(names, scopes, rows)
        self._class_evidence(codes, rows)
        ent, link, miss, kind, detail = rows.arrays()
        key = ent * len(self.links) + link
        pairs, inverse = np.unique(key, return_inverse=True)
        confidence = 1.0 - np.exp(np.bincount(inverse, weights=miss, minlength=len(pairs)))
        keep = confidence >= self.weights.threshold - 1e-9
        pairs, confidence = self._most_specific(pairs[keep], confidence[keep])
        why = self._reasons(pairs, key, kind, detail, codes) if reasons else None
        nl = len(self.links)
        return Batch(pairs // nl, (pairs % nl).astype(np.int32), confidence.astype(np.float32), why)

    # ------------------------------------------------------------ evidence

    def _text_evidence(self, names, scopes, rows: _Rows) -> None:
        text, starts = _join(names, scopes)
        if not self.compiled:
            return self._vectorised_evidence(text, starts, rows)
        m = self._matcher
        ent, pid, rank, in_name = scan_parts(
            text, starts, m.table, m.bucket_start, m.bucket_count, m.bucket_patterns,
            m.flat, m.offsets, m.lengths, self._kind, self._chars,
        )  # fmt: skip
        scope = ~in_name
        self._scope_rows(ent[scope], pid[scope], rank[scope], rows)
        self._name_rows(ent[in_name], pid[in_name], rows)

    def _vectorised_evidence(self, text, starts, rows: _Rows) -> None:
        pos, pid = self._matcher.find(text)
        kind = self._kind[pid]
        ends = pos + self._matcher.lengths[pid]
        classes = self._chars[text]
        marks = np.flatnonzero(classes)
        marked = classes[marks]
        stops = marks[(marked & _CHAR_STOP) != 0]
        separators = marks[(marked & _CHAR_SEPARATOR) != 0]
        part = np.searchsorted(starts, pos, side="right") - 1
        in_name = (part & 1) == 0
        live = np.where(in_name, kind <= _PRODUCT, kind == _KEYWORD)
        live &= ~_negated(pos, ends, kind == _NEGATION, stops)
        live[live] = ~_contained(pos[live], ends[live])
        headers = ends[kind == _HEADER]
        scope = live & ~in_name
        rank = _rank(pos[scope], starts[1::2], headers, separators)
        self._scope_rows(part[scope] >> 1, pid[scope], rank, rows)
        name = live & in_name
        self._name_rows(part[name] >> 1, pid[name], rows)

    def _scope_rows(self, ent, pid, rank, rows: _Rows) -> None:
        bucket = np.where(rank == 0, 0, np.where(rank <= 2, 1, 2))
        owner, entry = self._by_scope.expand(pid)
        width = max(len(self._by_scope.links), 1)
        # One row per (enterprise, link entry), from its best-placed occurrence: among equal
        # keys the lowest position bucket sorts first.
        row = np.unique(((ent[owner] * width + entry) << 2) | bucket[owner])
        row = row[np.r_[True, (row[1:] >> 2) != (row[:-1] >> 2)]] if row.size else row
        ent, entry, bucket = (row >> 2) // width, (row >> 2) % width, row & 3
        w = self.weights
        prob = w.keyword * np.asarray(w.position)[bucket] * self._by_scope.specificity[entry]
        rows.add(ent, self._by_scope.links[entry], prob, _SCOPE, (entry << 2) | bucket)

    def _name_rows(self, ent, pid, rows: _Rows) -> None:
        owner, entry = self._by_name.expand(pid)
        width = max(len(self._by_name.links), 1)
        row = np.unique(ent[owner] * width + entry)
        ent, entry = row // width, row % width
        prob = self.weights.name * self._by_name.specificity[entry]
        rows.add(ent, self._by_name.links[entry], prob, _NAME, entry)

    def _class_evidence(self, codes, rows: _Rows) -> None:
        cls = np.fromiter(map(self._class_index.__getitem__, codes), np.int64, len(codes))
        ent = np.flatnonzero(cls >= 0)
        owner, entry = self._by_class.expand(cls[ent])
        prob = self.weights.industry * self._by_class.specificity[entry]
        rows.add(ent[owner], self._by_class.links[entry], prob, _CLASS, entry)

    def _most_specific(self, keys: np.ndarray, conf: np.ndarray):
        """Drop a link when one of its sub-links is kept for the same enterprise."""
        nl = len(self.links)
        ent, ancestor = keys // nl, self.parent[keys % nl]
        covered = []
        while (has := ancestor >= 0).any():
            covered.append(ent[has] * nl + ancestor[has])
            ancestor = np.where(has, self.parent[np.maximum(ancestor, 0)], -1)
        if not covered:
            return keys, conf
        keep = ~np.isin(keys, np.concatenate(covered))
        return keys[keep], conf[keep]

    # ------------------------------------------------------------ reasons

    def _reasons(self, kept, key, kind, detail, codes) -> list[list[str]]:
        order = np.lexsort((detail, kind, key))
        key, kind, detail = key[order], kind[order], detail[order]
        lo = np.searchsorted(key, kept, side="left").tolist()
        hi = np.searchsorted(key, kept, side="right").tolist()
        nl = len(self.links)
        return [
            [self._reason(int(kind[i]), int(detail[i]), codes[k // nl]) for i in range(a, b)]
            for k, a, b in zip(kept.tolist(), lo, hi, strict=True)
        ]

    def _reason(self, kind: int, detail: int, code: str | None) -> str:
        if kind == _SCOPE:
            phrase = self._phrase[self._by_scope.owner[detail >> 2]]
            return f"经营范围含「{phrase}」" + ("（首项，主营）" if detail & 3 == 0 else "")
        if kind == _NAME:
            return f"企业名称含「{self._phrase[self._by_name.owner[detail]]}」"
        name = self.class_names.get(code or "")
        return f"国标行业 {code} {name} 属于该环节" if name else f"国标行业 {code} 属于该环节"


# ---------------------------------------------------------------- helpers on match arrays


def _join(names: Sequence[str | None], scopes: Sequence[str | None]):
    """One code-point array for the chunk: name, scope, name, scope…; and where each starts."""
    parts: list[str] = [""] * (2 * len(scopes))
    parts[0::2] = [x or "" for x in names]
    parts[1::2] = [x or "" for x in scopes]
    lengths = np.fromiter(map(len, parts), np.int64, len(parts)) + 1
    starts = np.cumsum(lengths) - lengths
    return _codes(_RECORD_END.join(parts) + _RECORD_END), starts


def _negated(pos, ends, trigger, stops) -> np.ndarray:
    """Which matches start inside a negation: from its trigger to the next stop character."""
    if not trigger.any():
        return np.zeros(len(pos), dtype=bool)
    span_start = pos[trigger]  # sorted, as matches come in text order
    span_end = stops[np.minimum(np.searchsorted(stops, ends[trigger]), len(stops) - 1)]
    reach = np.maximum.accumulate(span_end)
    i = np.searchsorted(span_start, pos, side="right") - 1
    return (i >= 0) & (reach[np.maximum(i, 0)] > pos) & ~trigger


def _contained(pos: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Matches lying inside a longer match ("风力发电" inside "风力发电机组及零部件制造")."""
    if not pos.size:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((-ends, pos))
    e = ends[order]
    before = np.maximum.accumulate(np.r_[-1, e[:-1]])
    inner = np.empty(len(pos), dtype=bool)
    inner[order] = before >= e
    return inner


def _rank(pos, starts, headers, separators) -> np.ndarray:
    """Item number of each match within its list (0 = first item after the start or a header)."""
    resets = np.union1d(starts, headers)
    reset = resets[np.searchsorted(resets, pos, side="right") - 1]
    return np.searchsorted(separators, pos) - np.searchsorted(separators, reset)


def _concat(parts: list[Batch], offsets: list[int], reasons: bool) -> Batch:
    if not parts:
        empty = np.zeros(0, np.int64)
        why = [] if reasons else None
        return Batch(empty, empty.astype(np.int32), empty.astype(np.float32), why)
    return Batch(
        np.concatenate([p.enterprise + off for p, off in zip(parts, offsets, strict=True)]),
        np.concatenate([p.link for p in parts]),
        np.concatenate([p.confidence for p in parts]),
        [r for p in parts for r in p.reasons] if reasons else None,
    )


# ---------------------------------------------------------------- worker processes

_WORKER: Classifier | None = None


def _install(classifier: Classifier) -> None:
    global _WORKER
    _WORKER = classifier


def _classify_job(job) -> Batch:
    return _WORKER.classify_chunk(*job)


# ---------------------------------------------------------------- rules from templates


def rules_from_templates(directory: Path) -> list[LinkRule]:
    """LinkRules straight from the chain YAML files (for benchmarks and engine tests)."""
    import yaml

    rules: list[LinkRule] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name.startswith("_") or not isinstance(data, dict) or "links" not in data:
            continue
        _walk(data["code"], data["links"], None, rules)
    return rules


def _walk(chain: str, items: list, parent: str | None, out: list[LinkRule]) -> None:
    for item in items:
        key = f"{chain}:{item['code']}"
        out.append(
            LinkRule(
                key=key,
                name=item["name"],
                keywords=tuple(item.get("keywords") or ()),
                products=tuple(item.get("products") or ()),
                industry_codes=tuple(item.get("industry_codes") or ()),
                parent=parent,
            )
        )
        _walk(chain, item.get("children") or [], key, out)


def noisy_or(probabilities: Iterable[float]) -> float:
    """The confidence formula on its own, for documentation and tests."""
    return 1.0 - math.prod(1.0 - p for p in probabilities)


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Labelled:
    """One row of a labelled set: what the enterprise is and where it truly belongs."""

    name: str
    scope: str
    industry_code: str
    expected: frozenset[str]  # link keys "chain:link"; empty for an enterprise of no chain


LABEL_COLUMNS = ("name", "business_scope", "industry_code", "expected_links")


def read_labelled(path: Path, known: set[str] | None = None) -> list[Labelled]:
    """The labelled CSV (UTF-8; expected links separated by spaces); errors name the row."""
    import csv

    rows = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in LABEL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{Path(path).name}：缺少列 {', '.join(missing)}")
        for number, row in enumerate(reader, start=2):
            expected = frozenset((row["expected_links"] or "").split())
            unknown = sorted(expected - known) if known is not None else []
            if unknown:
                raise ValueError(f"第 {number} 行 expected_links：未知环节 {', '.join(unknown)}")
            if not (row["name"] or "").strip():
                raise ValueError(f"第 {number} 行 name：企业名称为空")
            rows.append(
                Labelled(
                    row["name"].strip(),
                    row["business_scope"] or "",
                    (row["industry_code"] or "").strip(),
                    expected,
                )
            )
    return rows


def _counts(expected: list[set[str]], predicted: list[set[str]], group) -> dict[str, list[int]]:
    """Per group: [true positives, false positives, false negatives]."""
    tally: dict[str, list[int]] = {}
    for want, got in zip(expected, predicted, strict=True):
        for item in want | got:
            counts = tally.setdefault(group(item), [0, 0, 0])
            counts[0 if item in want and item in got else 1 if item in got else 2] += 1
    return tally


def _ratios(tp: int, fp: int, fn: int) -> dict[str, float | int | None]:
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
    }


def _level(expected: list[set[str]], predicted: list[set[str]]) -> dict:
    per = _counts(expected, predicted, lambda key: key.split(":")[0])
    total = [sum(c[i] for c in per.values()) for i in range(3)]
    return {"overall": _ratios(*total), "chains": {k: _ratios(*v) for k, v in sorted(per.items())}}


def evaluate_rows(classifier: Classifier, rows: Sequence[Labelled]) -> dict:
    """Precision and recall (micro) at link level and at chain level, overall and per chain."""
    batch = classifier.classify_many(
        [r.name for r in rows], [r.scope for r in rows], [r.industry_code for r in rows]
    )
    predicted: list[set[str]] = [set() for _ in rows]
    for ent, link in zip(batch.enterprise.tolist(), batch.link.tolist(), strict=True):
        predicted[ent].add(classifier.links[link].key)
    expected = [set(r.expected) for r in rows]
    chains = [{k.split(":")[0] for k in s} for s in expected]
    got_chains = [{k.split(":")[0] for k in s} for s in predicted]
    return {
        "rows": len(rows),
        "negatives": sum(1 for r in rows if not r.expected),
        "link": _level(expected, predicted),
        "chain": _level(
            [{f"{c}:" for c in s} for s in chains], [{f"{c}:" for c in s} for s in got_chains]
        ),
        "predicted": predicted,
    }
