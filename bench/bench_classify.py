"""Classification throughput: engine.classify over a synthetic pool, against slower versions.

The classifier is built from the chain templates (data/chains/*.yaml, read directly: no
database). The pool is generated deterministically inside each of two worker processes from the
link keywords and products, common business-scope items and the standard closing sentences
(a bank of 200,000 enterprises, from which every chunk of the N is drawn at random); generation
is not timed, only the classify call on each chunk is, in CPU seconds.

Baselines, measured in the same run on a sample of the same pool (single process):
- the whole-array NumPy scan that was the classifier before the compiled one
  (Classifier(compiled=False); same output, tests/engine/test_classify_fast.py);
- what a first version would do (for each enterprise, for each keyword, `keyword in scope`);
- pyahocorasick's scan alone, when installed (no scoring).

Prints two BENCH lines: enterprises per second per core (N ÷ summed classify CPU time of both
workers) against the NumPy scan, and the wall time of all N on two cores (first chunk start to
last chunk end) against that NumPy scan's per-core rate spread over the same two cores.
CHAINVEST_BENCH_CLASSIFY_N sets N (default 10,000,000).
"""

import csv
import multiprocessing
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from chainvest.engine.classify import Classifier, rules_from_templates  # noqa: E402

N = int(os.environ.get("CHAINVEST_BENCH_CLASSIFY_N", "10000000"))
CHUNK = 20_000
SAMPLE = 20_000
BANK = 200_000  # distinct generated enterprises each worker draws the pool from
PROCESSES = 2
SEED = 20240601

# Common items of real business scopes that belong to no chain in particular.
FILLER = (
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "货物进出口",
    "技术进出口",
    "日用百货销售",
    "五金产品批发",
    "五金产品零售",
    "机械设备租赁",
    "办公设备耗材销售",
    "金属材料销售",
    "信息咨询服务（不含许可类信息咨询服务）",
    "企业管理咨询",
    "会议及展览服务",
    "专用设备修理",
    "通用设备修理",
    "劳务服务（不含劳务派遣）",
    "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
    "化工产品销售（不含许可类化工产品）",
    "电子产品销售",
    "机械设备销售",
    "包装材料及制品销售",
    "国内贸易代理",
    "供应链管理服务",
    "软件开发",
    "广告设计、代理",
    "环保咨询服务",
    "工程管理服务",
    "住房租赁",
    "非居住房地产租赁",
    "农副产品销售",
    "食用农产品初加工",
    "餐饮管理",
    "物业管理",
)
LICENSED = (
    "道路货物运输（不含危险货物）",
    "建设工程施工",
    "食品销售",
    "危险化学品经营",
    "特种设备制造",
    "检验检测服务",
)
PLACES = ("昌吉市", "阜康市", "奇台县", "玛纳斯县", "呼图壁县", "吉木萨尔县", "木垒县", "准东")
MARKS = ("恒", "瑞", "晟", "鑫", "泰", "源", "丰", "远", "博", "澜", "拓", "衡")
GENERAL_END = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
LICENSED_END = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"


def load_rules():
    rules = rules_from_templates(ROOT / "data" / "chains")
    with open(ROOT / "data" / "industries" / "gbt4754-2017.csv", encoding="utf-8") as handle:
        names = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    return rules, names


def generate(rules, chunk: int, size: int):
    """Enterprises chunk*CHUNK … of the pool: names, scopes, industry codes (deterministic)."""
    rng = np.random.default_rng([SEED, chunk])
    link = rng.integers(0, len(rules), size)
    on_chain = rng.random(size) < 0.7
    lead = rng.random(size) < 0.6
    n_filler = rng.integers(3, 9, size)
    filler = rng.integers(0, len(FILLER), (size, 8))
    licensed = rng.integers(-3, len(LICENSED), size)  # negative: no 许可项目 part
    second = rng.integers(0, 2**31, size)
    mark = rng.integers(0, len(MARKS), (size, 2))
    place = rng.integers(0, len(PLACES), size)
    names, scopes, codes = [], [], []
    for i in range(size):
        rule = rules[link[i]]
        items = [FILLER[j] for j in filler[i, : n_filler[i]]]
        if on_chain[i] and rule.keywords:
            keyword = rule.keywords[second[i] % len(rule.keywords)]
            items.insert(0 if lead[i] else 1 + second[i] % len(items), keyword)
        scope = "一般项目：" + "；".join(items) + GENERAL_END
        if licensed[i] >= 0:
            scope = "许可项目：" + LICENSED[licensed[i]] + LICENSED_END + scope
        scopes.append(scope)
        stem = (
            rule.products[second[i] % len(rule.products)] if on_chain[i] and rule.products else ""
        )
        names.append(f"{PLACES[place[i]]}{MARKS[mark[i, 0]]}{MARKS[mark[i, 1]]}{stem}有限公司")
        codes.append(rule.industry_codes[0] if on_chain[i] and rule.industry_codes else "5179")
    return names, scopes, codes


_STATE: dict = {}


def _init(rules, names) -> None:
    _STATE["classifier"] = Classifier(rules, names)
    _STATE["classifier"].classify_chunk(["甲"], ["乙"], [None])  # compiled before any timing
    # Writing 10 M scopes one by one would take longer than classifying them, so each worker
    # generates a bank once and draws every chunk from it (the classifier caches nothing).
    bank = [generate(rules, 2 * 10**6 + part, CHUNK) for part in range(BANK // CHUNK)]
    _STATE["bank"] = [sum((list(b[i]) for b in bank), []) for i in range(3)]


def _draw(chunk: int, size: int):
    pick = np.random.default_rng([SEED, chunk]).integers(0, BANK, size).tolist()
    return [[column[i] for i in pick] for column in _STATE["bank"]]


def _run_chunk(chunk: int) -> tuple[int, float, int]:
    size = min(CHUNK, N - chunk * CHUNK)
    names, scopes, codes = _draw(chunk, size)
    classifier = _STATE["classifier"]
    # CPU time of this process: the figure is per core, and other jobs may share the machine.
    began, start = time.perf_counter(), time.process_time()
    batch = classifier.classify_chunk(names, scopes, codes)
    busy = time.process_time() - start
    return size, busy, len(batch.link), began, time.perf_counter()


def naive_per_enterprise(rules, names, scopes) -> tuple[float, int]:
    """Seconds per enterprise of the loop a first version would write, and its placements."""
    keywords = [(kw, i) for i, rule in enumerate(rules) for kw in rule.keywords]
    start = time.process_time()
    found = 0
    for scope in scopes:
        links = {i for kw, i in keywords if kw in scope}
        found += len(links)
    return (time.process_time() - start) / len(scopes), found


def vectorised_per_enterprise(rules, class_names, names, scopes, codes) -> float:
    """Seconds per enterprise of the previous classifier (whole-array NumPy scan)."""
    classifier = Classifier(rules, class_names, compiled=False)
    classifier.classify_chunk(names[:100], scopes[:100], codes[:100])
    start = time.process_time()
    classifier.classify_chunk(names, scopes, codes)
    return (time.process_time() - start) / len(scopes)


def ahocorasick_per_enterprise(rules, scopes) -> float | None:
    try:
        import ahocorasick
    except ImportError:
        return None
    automaton = ahocorasick.Automaton()
    for i, kw in enumerate({kw for rule in rules for kw in rule.keywords}):
        automaton.add_word(kw, i)
    automaton.make_automaton()
    start = time.process_time()
    for scope in scopes:
        for _ in automaton.iter(scope):
            pass
    return (time.process_time() - start) / len(scopes)


def main() -> None:
    rules, class_names = load_rules()
    names, scopes, codes = generate(rules, 10**6, SAMPLE)  # a chunk outside the timed pool
    naive, _ = naive_per_enterprise(rules, names, scopes)
    vectorised = vectorised_per_enterprise(rules, class_names, names, scopes, codes)
    aho = ahocorasick_per_enterprise(rules, scopes)
    chunks = range((N + CHUNK - 1) // CHUNK)
    Classifier(rules, class_names).classify_chunk(["甲"], ["乙"], [None])  # compile once, here
    context = multiprocessing.get_context("fork")
    with context.Pool(PROCESSES, initializer=_init, initargs=(rules, class_names)) as pool:
        results = list(pool.imap_unordered(_run_chunk, chunks))
    done = sum(r[0] for r in results)
    busy = sum(r[1] for r in results)
    placed = sum(r[2] for r in results)
    wall = max(r[4] for r in results) - min(r[3] for r in results)
    ours = done / busy
    length = sum(map(len, scopes)) / len(scopes)
    print(
        f"# pool {done:,} synthetic enterprises drawn from {BANK:,} generated ones, "
        f"{len(rules)} links, scopes ~{length:.0f} chars; {placed / done:.2f} placements each"
    )
    print(
        f"# classify CPU time summed over {PROCESSES} workers {busy:.1f} s; "
        f"wall from first chunk start to last chunk end {wall:.1f} s"
    )
    print(f"# previous NumPy scan {1 / vectorised:,.0f} ent/s/core (sample {SAMPLE:,})")
    print(f"# naive substring loop {1 / naive:,.0f} ent/s/core (sample {SAMPLE:,})")
    if aho:
        print(f"# pyahocorasick scan alone {1 / aho:,.0f} ent/s/core (no scoring)")
    print(
        f"BENCH name=classify value={ours:.0f} unit=ent/s/core "
        f"baseline=numpy_vectorised_scan ratio={ours * vectorised:.2f}"
    )
    baseline_wall = done * vectorised / PROCESSES
    print(
        f"BENCH name=classify-wall value={wall:.1f} unit=s_for_{done}_on_{PROCESSES}_cores "
        f"baseline=numpy_vectorised_scan ratio={baseline_wall / wall:.2f}"
    )


if __name__ == "__main__":
    main()
