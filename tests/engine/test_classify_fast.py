"""The compiled scan (engine.scan) against the vectorised path and a plain Python reference.

The reference below is the documented rule set (docs/classification.md) written the obvious
way: one enterprise at a time, str.find for every phrase, loops for negations, containment,
item ranks and the noisy-or. The enterprises are synthetic, drawn from the real chain
templates with the awkward cases mixed in: negations, list headers, both punctuation widths,
phrases inside longer phrases, products in names, unknown or missing classes.
"""

import math
import random
from pathlib import Path

import numpy as np
import pytest

from chainvest.engine.classify import (
    HEADERS,
    NEGATIONS,
    SEGMENT_SEPARATORS,
    STOPS,
    Classifier,
    Weights,
    rules_from_templates,
)

CHAINS = Path(__file__).resolve().parents[2] / "data" / "chains"
RULES = rules_from_templates(CHAINS)
NAMES = {"3415": "风能原动设备制造", "2614": "有机化学原料制造"}
WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "；": ";", "，": ","})
FILLER = ("货物进出口", "技术服务、技术开发", "日用百货销售", "除尘设备制造", "普通货物仓储服务")
NEGATED = ("（不含危险化学品）", "（除许可业务外）", "不从事{}", "禁止{}")
ENDINGS = ("（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）", "", "。")


# ---------------------------------------------------------------- the plain reference


def _occurrences(text: str, pattern: str) -> list[int]:
    found, at = [], text.find(pattern)
    while at >= 0:
        found.append(at)
        at = text.find(pattern, at + 1)
    return found


class Reference:
    def __init__(self, rules, class_names):
        self.rules, self.class_names, self.w = rules, class_names, Weights()
        self.keyword_links = self._links(lambda r: r.keywords)
        self.name_links = self._links(lambda r: (*r.keywords, *r.products))
        self.class_links = self._links(lambda r: r.industry_codes, minimum=1)
        # pattern as written or with half-width punctuation → (kind, phrase); first one wins
        self.patterns: dict[str, tuple[str, str]] = {}
        keywords = self.keyword_links
        entries = [(p, "keyword" if p in keywords else "product") for p in self.name_links]
        entries += [(p, "negation") for p in NEGATIONS] + [(p, "header") for p in HEADERS]
        for phrase, kind in entries:
            for variant in (phrase, phrase.translate(WIDTH)):
                self.patterns.setdefault(variant, (kind, phrase))
        self.index = {rule.key: i for i, rule in enumerate(rules)}

    def _links(self, phrases_of, minimum=2):
        out: dict[str, list[int]] = {}
        for i, rule in enumerate(self.rules):
            for phrase in phrases_of(rule):
                if len(phrase) >= minimum and i not in out.setdefault(phrase, []):
                    out[phrase].append(i)
        return out

    def _live(self, text: str, in_name: bool):
        found = [
            (at, at + len(p), p) for p in self.patterns for at in _occurrences(text, p)
        ]  # fmt: skip
        spans = []
        for at, end, p in found:
            if self.patterns[p][0] == "negation":
                stop = end
                while stop < len(text) and text[stop] not in STOPS:
                    stop += 1
                spans.append((at, stop))
        wanted = ("keyword", "product") if in_name else ("keyword",)
        live = [
            (at, end, p)
            for at, end, p in found
            if self.patterns[p][0] in wanted and not any(a <= at < b for a, b in spans)
        ]
        outer = [
            (at, end, p)
            for at, end, p in live
            if not any(a <= at and b >= end and (a, b) != (at, end) for a, b, _ in live)
        ]
        headers = [end for at, end, p in found if self.patterns[p][0] == "header"]
        return outer, headers

    def _rank(self, scope: str, at: int, headers: list[int]) -> int:
        reset = max([0] + [end for end in headers if end <= at])
        return sum(1 for ch in scope[reset:at] if ch in SEGMENT_SEPARATORS)

    def classify(self, name, scope, code):
        w, evidence = self.w, {}  # link → [(p, reason)]
        matches, headers = self._live(scope or "", in_name=False)
        best: dict[tuple[str, int], int] = {}  # (pattern, link) → best position bucket
        for at, _, p in matches:
            rank = self._rank(scope, at, headers)
            bucket = 0 if rank == 0 else 1 if rank <= 2 else 2
            for link in self.keyword_links[self.patterns[p][1]]:
                best[p, link] = min(best.get((p, link), 3), bucket)
        for (p, link), bucket in best.items():
            phrase = self.patterns[p][1]
            spec = len(self.keyword_links[phrase]) ** -w.specificity_power
            why = f"经营范围含「{phrase}」" + ("（首项，主营）" if bucket == 0 else "")
            evidence.setdefault(link, []).append((w.keyword * w.position[bucket] * spec, why))
        names, _ = self._live(name or "", in_name=True)
        for p in {p for _, _, p in names}:
            phrase = self.patterns[p][1]
            spec = len(self.name_links[phrase]) ** -w.specificity_power
            for link in self.name_links[phrase]:
                evidence.setdefault(link, []).append((w.name * spec, f"企业名称含「{phrase}」"))
        for link in self.class_links.get(code or "", []):
            spec = len(self.class_links[code]) ** -w.specificity_power
            label = f"{code} {self.class_names[code]}" if code in self.class_names else code
            why = f"国标行业 {label} 属于该环节"
            evidence.setdefault(link, []).append((w.industry * spec, why))
        kept = {}
        for link, items in evidence.items():
            conf = 1 - math.prod(1 - min(p, 0.999) for p, _ in items)
            if conf >= w.threshold - 1e-9:
                kept[link] = (conf, sorted(why for _, why in items))
        return {link: v for link, v in kept.items() if not self._has_kept_child(link, kept)}

    def _has_kept_child(self, link: int, kept) -> bool:
        for other in kept:
            parent = self.rules[other].parent
            while parent is not None:
                if self.index[parent] == link:
                    return True
                parent = self.rules[self.index[parent]].parent
        return False


# ---------------------------------------------------------------- synthetic enterprises


def synthetic(count: int, seed: int):
    rng = random.Random(seed)
    codes = sorted({c for r in RULES for c in r.industry_codes}) + ["5179", "9999", None]
    names, scopes, classes = [], [], []
    for _ in range(count):
        items = []
        for _ in range(rng.randint(0, 6)):
            rule = rng.choice(RULES)
            roll = rng.random()
            if roll < 0.5 and rule.keywords:
                items.append(rng.choice(rule.keywords))
            elif roll < 0.65 and rule.keywords:
                items.append(rng.choice(NEGATED).format(rng.choice(rule.keywords)))
            elif roll < 0.75 and rule.keywords:
                items.append(rng.choice(rule.keywords) + rng.choice(FILLER))
            else:
                items.append(rng.choice(FILLER))
        scope = rng.choice(("；", "，", "、", ";")).join(items)
        if rng.random() < 0.6:
            scope = rng.choice(HEADERS) + rng.choice(("：", ":")) + scope
        if rng.random() < 0.3:
            scope = "许可项目：" + rng.choice(FILLER) + "一般项目：" + scope
        scope += rng.choice(ENDINGS)
        if rng.random() < 0.3:
            scope = scope.translate(WIDTH)
        rule = rng.choice(RULES)
        stem = rng.choice(rule.products) if rule.products and rng.random() < 0.5 else ""
        names.append(None if rng.random() < 0.02 else f"昌吉示例{stem}有限公司")
        scopes.append(None if rng.random() < 0.02 else scope)
        classes.append(rng.choice(codes))
    return names, scopes, classes


@pytest.fixture(scope="module")
def pool():
    return synthetic(400, seed=7)


def test_compiled_and_vectorised_paths_give_identical_batches(pool):
    fast = Classifier(RULES, NAMES).classify_many(*pool, reasons=True)
    slow = Classifier(RULES, NAMES, compiled=False).classify_many(*pool, reasons=True)
    assert len(fast.link) > 200  # the pool does reach the links
    for ours, theirs in zip(fast[:3], slow[:3], strict=True):
        assert np.array_equal(ours, theirs)
    assert fast.reasons == slow.reasons


def test_compiled_path_equals_the_plain_reference(pool):
    batch = Classifier(RULES, NAMES).classify_many(*pool, reasons=True)
    got: dict[int, dict] = {}
    for ent, link, conf, why in zip(
        batch.enterprise.tolist(), batch.link.tolist(), batch.confidence, batch.reasons, strict=True
    ):
        got.setdefault(ent, {})[link] = (float(conf), sorted(why))
    reference = Reference(RULES, NAMES)
    for i, (name, scope, code) in enumerate(zip(*pool, strict=True)):
        want = reference.classify(name, scope, code)
        mine = got.get(i, {})
        assert set(mine) == set(want), (name, scope, code)
        for link, (conf, why) in want.items():
            assert mine[link][0] == pytest.approx(conf, abs=1e-6)
            assert mine[link][1] == why


def test_the_synthetic_pool_covers_the_awkward_cases(pool):
    """Guards the two tests above against a generator that stopped producing what they need."""
    names, scopes, _ = pool
    text = "".join(s or "" for s in scopes)
    assert all(word in text for word in ("不含", "不从事", "一般项目", "许可项目", "(", "（"))
    assert sum(1 for n in names if n and len(n) > len("昌吉示例有限公司")) > 50
