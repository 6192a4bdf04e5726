"""News extraction quality on the labelled corpus of real reports in data/news/.

For every report the extractor runs with the report's publication date as document date (when
known). Figures:

- event accuracy: units are the labelled signing events plus every extracted event that matches
  none (a spurious one), plus one unit per report without a signing that yields none; an event
  is right when its number of projects and its total (bounds, currency) are both right.
- investor precision / recall / F1 over the labelled investors (names compared after folding
  brackets and width; a name contained in the other counts, as reports shorten names).

The baseline, measured in the same run, is what a first attempt would do: one event per report
from the first "签约…N个…项目" and the first "…亿元" after it, and every "…有限公司" as an
investor. For these quality figures ratio = ours ÷ baseline (higher is better).
The news_* figures cover all reports; news_tuned_* the reports the rules were written against
(01–97); news_heldout_* those labelled `split: heldout` (98–109), gathered and labelled before
the last round of rules and never tuned on (the batch 84–97 was held out until that round fixed
its failures, so it is tuned now). data/news/README.md gives each batch's first-run figures.
`--verbose` lists every report read wrongly (on stderr).
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from chainvest.engine.names import name_key  # noqa: E402
from chainvest.engine.news import extract, load_gazetteer, normalise  # noqa: E402

CORPUS = ROOT / "data" / "news"


@dataclass(frozen=True)
class Figures:
    count: int | None
    lo: Decimal | None  # 亿
    hi: Decimal | None
    currency: str = "CNY"


def _yi(v) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def expected(label: dict) -> list[Figures]:
    return [
        Figures(e["count"], _yi(e["min"]), _yi(e["max"]), e.get("currency", "CNY"))
        for e in label["events"]
    ]


def ours(text: str, gaz, doc: date | None) -> tuple[list[Figures], set[str]]:
    result = extract(text, gaz, doc)
    events, investors = [], set()
    for ev in result.events:
        m = ev.investment
        lo = None if m is None or m.min_wan is None else m.min_wan / 10000
        hi = None if m is None or m.max_wan is None else m.max_wan / 10000
        events.append(Figures(ev.signed_count, lo, hi, m.currency if m else "CNY"))
        investors |= {p.company for p in ev.projects if p.company}
    return events, investors


_NAIVE_COUNT = re.compile(r"签约[^。]{0,20}?(\d+)个[^。]{0,10}?项目|签约项目(\d+)个")
_NAIVE_TOTAL = re.compile(r"(\d+(?:\.\d+)?)亿元")
_NAIVE_ORG = re.compile(r"[\u4e00-\u9fff()]{2,25}?有限公司")


def baseline(text: str, gaz, doc: date | None) -> tuple[list[Figures], set[str]]:
    text = normalise(text)
    events = []
    if m := _NAIVE_COUNT.search(text):
        count = int(m.group(1) or m.group(2))
        t = _NAIVE_TOTAL.search(text, m.end())
        lo = Decimal(t.group(1)) if t else None
        events.append(Figures(count, lo, lo))
    return events, set(_NAIVE_ORG.findall(text))


def _same(a: Figures, b: Figures) -> bool:
    return (a.count, a.lo, a.hi, a.currency) == (b.count, b.lo, b.hi, b.currency)


def score_events(want: list[Figures], got: list[Figures]) -> tuple[int, int]:
    """(right units, all units) for one report."""
    if not want and not got:
        return 1, 1
    left = list(got)
    right = 0
    for w in want:
        hit = next((g for g in left if _same(w, g)), None)
        if hit is not None:
            left.remove(hit)
            right += 1
    return right, len(want) + len(left)


def _match(a: str, b: str) -> bool:
    ka, kb = name_key(normalise(a)), name_key(normalise(b))
    return ka == kb or (min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka))


def score_investors(want: set[str], got: set[str]) -> tuple[int, int, int]:
    """(true positives among got, |got|, found among want)."""
    tp = sum(1 for g in got if any(_match(g, w) for w in want))
    found = sum(1 for w in want if any(_match(g, w) for g in got))
    return tp, len(got), found


def run(reader, labels, gaz, verbose: bool = False, name: str = "") -> dict:
    right = units = tp = n_got = found = n_want = 0
    for label in labels:
        text = (CORPUS / label["file"]).read_text(encoding="utf-8")
        doc = label.get("published")
        doc = doc if isinstance(doc, date) else None
        got_events, got_inv = reader(text, gaz, doc)
        r, u = score_events(expected(label), got_events)
        want_inv = set(label["investors"])
        t, g, f = score_investors(want_inv, got_inv)
        right, units, tp, n_got, found = right + r, units + u, tp + t, n_got + g, found + f
        n_want += len(want_inv)
        if verbose and (r != u or t != g or f != len(want_inv)):
            print(f"[{name}] {label['file']}: events {r}/{u}", file=sys.stderr)
            print(f"    want {expected(label)}\n    got  {got_events}", file=sys.stderr)
            if t != g or f != len(want_inv):
                print(f"    investors want {sorted(want_inv)}", file=sys.stderr)
                print(f"    investors got  {sorted(got_inv)}", file=sys.stderr)
    precision = tp / n_got if n_got else 0.0
    recall = found / n_want if n_want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": right / units, "precision": precision, "recall": recall, "f1": f1}


def _report(prefix: str, mine: dict, base: dict) -> None:
    for key, unit in [
        ("accuracy", "events"),
        ("precision", "investors"),
        ("recall", "investors"),
        ("f1", "investors"),
    ]:
        ratio = mine[key] / base[key] if base[key] else float("inf")
        print(
            f"BENCH name={prefix}_{key} value={mine[key]:.3f} unit={unit} "
            f"baseline=naive_regex({base[key]:.3f}) ratio={ratio:.2f}"
        )


def main() -> None:
    verbose = "--verbose" in sys.argv
    labels = yaml.safe_load((CORPUS / "labels.yaml").read_text(encoding="utf-8"))
    gaz = load_gazetteer(ROOT / "data")
    t0 = time.perf_counter()
    mine = run(ours, labels, gaz, verbose, "ours")
    elapsed = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = run(baseline, labels, gaz, verbose and "--baseline" in sys.argv, "baseline")
    base_elapsed = time.perf_counter() - t0
    held = [x for x in labels if x.get("split") == "heldout"]
    tuned = [x for x in labels if x.get("split") != "heldout"]
    _report("news", mine, base)
    _report("news_tuned", run(ours, tuned, gaz), run(baseline, tuned, gaz))
    _report("news_heldout", run(ours, held, gaz), run(baseline, held, gaz))
    per_report = elapsed / len(labels) * 1000
    base_per_report = base_elapsed / len(labels) * 1000
    print(
        f"BENCH name=news_speed value={per_report:.2f} unit=ms/report "
        f"baseline=naive_regex({base_per_report:.2f}ms) ratio={base_per_report / per_report:.3f}"
    )


if __name__ == "__main__":
    main()
