"""Draft records from news text: promotion events, their signings, named projects.

Rule-based and pure Python (no network, no model): a report of a signing ceremony states its
figures in a few fixed phrasings ("签约项目17个，总投资1026亿元"), and a draft that a person
reviews needs, above all, to say which sentence every figure came from.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import zhconv

from chainvest.engine.text import Money, find_money, normalise_digits

# ---------------------------------------------------------------- sentences


@dataclass
class Sentence:
    """One sentence: `text` as written (the evidence), `norm` simplified for matching."""

    index: int
    text: str
    norm: str
    paragraph: int


_PINYIN = re.compile(r"\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")
_SPLIT = re.compile(r"(?<=[。！？!?])[”’」』\"]*")


def normalise(text: str) -> str:
    """Simplified script, half-width digits and brackets, no stray pinyin, no spaces at figures."""
    text = unicodedata.normalize("NFKC", normalise_digits(text))
    text = zhconv.convert(text, "zh-cn")
    text = _PINYIN.sub("", text)
    # Taiwan usage (專案 for 项目) and reposts that turned decimal points into 。.
    text = text.replace("专案", "项目")
    text = re.sub(r"(?<=\d)。(?=\d)", ".", text)
    return re.sub(r"(?<=[\d亿万])[ \t]+|[ \t]+(?=[\d亿万元])", "", text)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in order; lines broken mid-sentence (page furniture) are joined again."""
    lines = [ln.strip() for ln in text.splitlines()]
    blocks: list[str] = []
    current = ""
    for line in lines:
        if not line:
            continue
        current += line
        # A body line cut off mid-sentence carries a comma and lacks an end mark; headlines don't.
        if re.search(r"[，,、；;]", line) and not re.search(r"[。！？!?”’」:：]$", line):
            continue
        blocks.append(current)
        current = ""
    if current:
        blocks.append(current)
    out: list[Sentence] = []
    for p, block in enumerate(blocks):
        for piece in _split_block(block):
            out.append(Sentence(len(out), piece, normalise(piece), p))
    return out


def _split_block(block: str) -> list[str]:
    pieces, start = [], 0
    for m in _SPLIT.finditer(block):
        pieces.append(block[start : m.end()])
        start = m.end()
    pieces.append(block[start:])
    return [p.strip() for p in pieces if p.strip()]


# ---------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: str  # province / city / county / park
    parent: str


@dataclass
class Gazetteer:
    """Names of regions and parks as they appear in text, longest first."""

    places: dict[str, list[Place]] = field(default_factory=dict)
    by_code: dict[str, Place] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None

    def add(self, alias: str, place: Place) -> None:
        self.by_code.setdefault(place.code, place)
        if len(alias) >= 2:
            self.places.setdefault(alias, []).append(place)
            self._pattern = None

    def within(self, inner: Place, outer: Place) -> bool:
        """True when `inner` is `outer` or lies inside it (parks inside their division)."""
        seen = 0
        place: Place | None = inner
        while place is not None and seen < 5:
            if place.code == outer.code:
                return True
            place, seen = self.by_code.get(place.parent), seen + 1
        return False

    def first(self, text: str) -> Place | None:
        found = [p for _, p in self.find(text) if p.level != "park"]
        return found[0] if found else None

    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            names = sorted(self.places, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, names)) or "(?!)")
        return self._pattern

    def find(self, text: str) -> list[tuple[int, Place]]:
        found = []
        for m in self.pattern().finditer(text):
            found.append((m.start(), self.places[m.group(0)][0]))
        return found


_ETHNIC = re.compile(
    r"(.{2,}?)(?:回族|哈萨克|蒙古|藏族|彝族|苗族|土家族|壮族|维吾尔|朝鲜族).*自治([州县])$"
)


def _aliases(name: str, short: str, level: str) -> set[str]:
    names = {name, short}
    if m := _ETHNIC.fullmatch(name):
        names.add(m.group(1) + m.group(2))
    if level == "province":
        names.add(
            re.sub(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$", "", name)
        )
    return {n for n in names if n}


def load_gazetteer(data_dir: Path | str) -> Gazetteer:
    """Regions (GB/T 2260) and parks from the product's data files."""
    data_dir = Path(data_dir)
    gaz = Gazetteer()
    with open(data_dir / "regions" / "gbt2260.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            place = Place(row["code"], row["name"], row["level"], row["parent"])
            for alias in _aliases(row["name"], row["short_name"], row["level"]):
                gaz.add(alias, place)
    with open(data_dir / "regions" / "parks.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            place = Place(row["code"], row["name"], "park", row["region"])
            for alias in {row["name"], row["short_name"], row["name"].removeprefix("新疆")}:
                gaz.add(alias, place)
    return gaz


# ---------------------------------------------------------------- drafts


@dataclass
class ProjectDraft:
    company: str | None
    project: str | None = None
    location: str | None = None
    amount: Money | None = None
    industry: str | None = None
    evidence: list[str] = field(default_factory=list)


@dataclass
class Mention:
    """One statement of a signing's figures in one sentence."""

    sentence: Sentence
    pos: int
    count: int | None
    total: Money | None
    subset: bool = False


@dataclass
class EventDraft:
    name: str | None = None
    date: date | None = None
    place: str | None = None
    organiser: str | None = None
    organiser_code: str | None = None
    signed_count: int | None = None
    investment: Money | None = None
    projects: list[ProjectDraft] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Cumulative:
    label: str
    count: int | None
    events: int | None
    investment: Money | None
    evidence: str


@dataclass
class Extraction:
    events: list[EventDraft]
    cumulative: list[Cumulative]


# ---------------------------------------------------------------- figures

_CN = "零〇一二两三四五六七八九十百千"
_COUNT = rf"(\d+|[{_CN}]+)"
_SIGN = r"(?:签约|签订|签定|签下|签署|签了)"
_GAP = r"[^,;。:!?]"
_NOT_SIGNING = r"开工|竣工|投产|开复工|动工"
_UNIT = r"(?:个|项)"
# Phrasings of "N projects were signed", each with the count in group 1.
_COUNT_PATTERNS = [
    re.compile(
        rf"{_SIGN}(?:(?!{_NOT_SIGNING}){_GAP}){{0,30}}?项目"
        rf"(?:共计|共|合计|总计|有|为|达|达到)?{_COUNT}{_UNIT}"
    ),
    # "…签约仪式昨日举行，共有34个重大项目落户我省": the ceremony's projects settling in.
    re.compile(
        rf"{_SIGN}(?:仪式|活动|大会){_GAP}{{0,12}}[,;]共?有?{_COUNT}{_UNIT}{_GAP}{{0,10}}?项目"
        rf"(?:落户|落地|签约)"
    ),
    # A list of named projects closing with "等N个项目".
    re.compile(
        rf"{_SIGN}(?:(?!{_NOT_SIGNING}){_GAP}){{0,80}}?等{_COUNT}{_UNIT}{_GAP}{{0,14}}?项目"
    ),
    re.compile(rf"{_SIGN}(?:(?!{_NOT_SIGNING}){_GAP}){{0,30}}?{_COUNT}{_UNIT}{_GAP}{{0,14}}?项目"),
    re.compile(
        rf"{_COUNT}{_UNIT}(?:(?!{_NOT_SIGNING}){_GAP}){{0,16}}?项目"
        rf"(?:(?!{_NOT_SIGNING}){_GAP}){{0,40}}?"
        rf"(?:集中|现场|成功|顺利|正式|分别|举行|进行|完成)?{_SIGN}"
    ),
    re.compile(rf"{_COUNT}{_UNIT}{_GAP}{{0,6}}?{_SIGN}{_GAP}{{0,6}}?项目"),
    re.compile(rf"{_SIGN}了?{_COUNT}(?:个|项|份){_GAP}{{0,8}}?(?:协议|合同)"),
    re.compile(rf"促成(?:合同|签约)项目{_COUNT}{_UNIT}"),
    re.compile(rf"{_COUNT}家企业{_GAP}{{0,20}}?{_SIGN}"),
]
_FIRMS = _COUNT_PATTERNS[-1]  # counts companies: used only when no project count is given
_TOTAL_WORDS = re.compile(
    r"(?:总投资额?|投资总额|总金额|签约金额|签约总金额|签约总额|签约额|合同额|协议额|协议金额|协议总金额|协议投资|"
    r"协议总投资|合同金额|合同总金额|合同投资|计划投资|总额|投资额|金额|涉及投资|总投资约?|引资总?额?)"
    r"(?:达|为|约|共|合计|共计|总计|近|折合)*(?:人民币)?$"
)
_AMOUNT_ONLY = re.compile(rf"{_SIGN}(?:总)?(?:金额|总额|资金|额)")
_NOT_INVESTMENT = re.compile(
    r"(?:收入|利润|产值|营收|销售|税收|利税|营业额|GDP|生产总值|贷款|融资)"
)
_EVENT_TIMES = re.compile(rf"(?:活动|推介会|签约会|签约仪式){_GAP}{{0,4}}?{_COUNT}(?:次|场)")
# Words that make what follows a period's total (statistics), not one event's signing.
_CUMULATIVE = re.compile(
    r"累计|截至|截止|至今|以来|先后|此前|之前|当月|本月|全年|年内|上半年|下半年|前三季度|"
    r"第?[一二三四]季度(?=[\d,])|前[一二三四五六七八九十\d]+个?月|\d+[-—–~至]\d+\s*月|"
    r"今年共|已签约|共举办|共举行|历届|近年来|近[一二三四五\d]年|新签约|新增签约|同比|月份|"
    r"\d{4}年(?=,)|上届|上一届|往届|去年同期"
)
# Signings announced, planned or pre-signed are not signings yet.
_PLANNED = re.compile(r"将在|将于|将有|拟|预计|有望|即将|预签约|待签约|准备|安排|计划于|力争")
_COMBINED_AFTER = re.compile(rf"^[、及和暨与]?(?:集中)?(?:{_NOT_SIGNING})")
_APPROX = re.compile(r"^(?:约|近|达到约)")


def _count_value(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    units = {"十": 10, "百": 100, "千": 1000}
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    for ch in text:
        if ch in digits:
            digit = digits[ch]
        elif ch in units:
            total += (digit if digit is not None else 1) * units[ch]
            digit = None
    value = total + (digit or 0)
    return value or None


def _is_total(norm: str, a: int) -> bool:
    before = norm[max(0, a - 14) : a]
    return bool(_TOTAL_WORDS.search(before)) and not _NOT_INVESTMENT.search(before[-6:])


# "签约项目26个，其中投资50亿元以上项目3个，总投资401.6亿元": a size bracket's count is not a
# share with its own total, so the total after it is still the whole signing's.
_SIZE_BRACKET = re.compile(
    rf"^{_UNIT}?,?其中(?:投资|总投资)?[^,;]{{0,12}}以上的?项目{_COUNT}{_UNIT},[^,;]{{0,10}}$"
)


def _nothing_between(gap: str) -> bool:
    return ";" not in gap and ("其中" not in gap or bool(_SIZE_BRACKET.match(gap)))


def _investment_near(norm: str, start: int, end: int, stop: int | None = None) -> Money | None:
    """The total stated right after a count (before `stop`), or just before "…的N个项目"."""
    stop = len(norm) if stop is None else stop
    for a, b, money in find_money(norm):
        if not _is_total(norm, a):
            continue
        if end <= a < min(stop, end + 60) and _nothing_between(norm[end:a]):
            return money
        if b <= start and norm[b:start].startswith("的") and len(norm[b:start]) < 4:
            return money
    return None


def _cumulative_from(norm: str) -> int:
    """Offset where the cumulative part of a sentence begins (len(norm) if none)."""
    m = _CUMULATIVE.search(norm)
    if not m:
        return len(norm)
    clause = max(norm.rfind(",", 0, m.start()), norm.rfind(":", 0, m.start()))
    return clause + 1


def _next_total(sentences: list[Sentence], s: Sentence) -> Money | None:
    """A headline split over two lines: "签约15个亿元项目" / "总投资额285.31亿元"."""
    if s.index + 1 >= len(sentences):
        return None
    nxt = sentences[s.index + 1].norm
    found = find_money(nxt)
    if found and found[0][0] < 12 and _is_total(nxt, found[0][0]):
        return found[0][2]
    return None


def _sentence_mentions(s: Sentence, sentences: list[Sentence]) -> list[Mention]:
    part = s.norm[: _cumulative_from(s.norm)]
    hits: list[tuple[int, int, int, int | None]] = []  # match start, count end, match end, count
    for pat in _COUNT_PATTERNS:
        if pat is _FIRMS and hits:
            break
        for m in pat.finditer(part):
            if any(a <= m.start(1) < b for a, _, b, _ in hits) or _PLANNED.search(part[: m.end()]):
                continue
            if _COMBINED_AFTER.search(part[m.end() :]) or part[m.start() - 1 : m.start()] == "预":
                continue
            hits.append((m.start(), m.end(1), m.end(), _count_value(m.group(1))))
    hits.sort()
    out = []
    for i, (a, c, b, count) in enumerate(hits):
        stop = hits[i + 1][0] if i + 1 < len(hits) else None
        # "在24个签约项目中，…项目10个，总投资2.3亿" names the whole before a part's figures.
        within = part[b : b + 1] == "中" or part[b : b + 2] == "中有"
        # The total may sit between the count and 项目: "8个总投资59亿元的项目…签约".
        total = None if within else _investment_near(part, a, c, stop)
        if total is None and not within and b >= len(part.rstrip()) - 2:
            total = _next_total(sentences, s)
        out.append(Mention(s, a, count, total, "其中" in part[:a]))
    return _drop_parts_of_a_sum(out)


def _drop_parts_of_a_sum(found: list[Mention]) -> list[Mention]:
    """ "线上签约项目3个，线下签约项目9个，共计12个签约项目" is one signing of 12."""
    counted = [m for m in found if m.count]
    if len(counted) < 2:
        return found
    top = max(counted, key=lambda m: m.count or 0)
    if top.count == sum(m.count or 0 for m in counted if m is not top):
        return [top]
    return found


def find_mentions(sentences: list[Sentence]) -> list[Mention]:
    out = []
    for s in sentences:
        found = _sentence_mentions(s, sentences)
        part = s.norm[: _cumulative_from(s.norm)]
        if not found and (m := _AMOUNT_ONLY.search(part)) and not _PLANNED.search(part[: m.end()]):
            total = _investment_near(part, m.start(), m.end())
            if total is not None:
                found = [Mention(s, m.start(), None, total, "其中" in part[: m.start()])]
        out += found
    return out


def find_cumulative(sentences: list[Sentence]) -> list[Cumulative]:
    """累计… figures, kept apart from any one event's; repeats across articles given once."""
    out: list[Cumulative] = []
    seen: set[tuple] = set()
    for s in sentences:
        cut = _cumulative_from(s.norm)
        part = s.norm[cut:]
        if not part or not re.search(rf"{_SIGN}|协议|落户|引进", part):
            continue
        count = total = events = None
        for pat in _COUNT_PATTERNS:
            if m := pat.search(part):
                count = _count_value(m.group(1))
                total = _investment_near(part, m.start(), m.end())
                break
        if count is not None and total is None:
            total = _investment_near(part, 0, 0)
        if count is None and (m := _AMOUNT_ONLY.search(part)):
            total = _investment_near(part, m.start(), m.end())
        if ev := re.search(
            rf"(?:活动|推介会|签约会|签约仪式){_GAP}{{0,4}}?{_COUNT}(?:次|场)", part
        ):
            events = _count_value(ev.group(1))
        if count is None and total is None:
            continue
        label = part.split(",")[0][:40]
        key = (count, events, total and (total.min_wan, total.max_wan))
        if key not in seen:
            seen.add(key)
            out.append(Cumulative(label, count, events, total, s.text))
    return out


# ---------------------------------------------------------------- event attributes

_EVENT_WORDS = (
    r"签约仪式|签约大会|签约会|推介会|洽谈会|博览会|交易会|招商会|签约活动|投资大会|"
    r"峰会|论坛|恳谈会|对接会|招商大会|集中签约|签约暨开工|发布会|合作大会"
)
_EVENT_NAME = re.compile(rf"([^,;。:!?()]{{2,70}}(?:{_EVENT_WORDS}))")
_PLACE = re.compile(r"在([^,;。:!?在]{2,24}?)(?:隆重|盛大|成功)?(?:举行|举办|召开|开幕|开幕)")
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*(?:日|号|(?=上午|下午|晚))")
_WHEN = re.compile(r"^(?:当天|当日|今天|今日|昨天|昨日|近日|日前|上午|下午|晚上|此前|同日)")
_LEAD = re.compile(
    r"^(?:.*?(?:本报讯|讯|电|消息)(?:\s*[(（]?[^)）:]{0,30}[)）]?)?[:：]?)?\s*"
    r"(?:(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚上|晚)?,?)?"
    r"(?:昨天|昨日|今天|近日|日前|当天)?(?:上午|下午|晚上)?,?"
)


def _year_hint(sentences: list[Sentence], doc_date: date | None) -> int | None:
    if doc_date is not None:
        return doc_date.year
    counts: dict[int, int] = {}
    for s in sentences:
        for y in re.findall(r"(?<!\d)(20\d\d|19\d\d)(?=年|\(|-|/|\.)", s.norm):
            counts[int(y)] = counts.get(int(y), 0) + 1
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


def _resolve_date(m: re.Match[str], year: int | None, doc_date: date | None) -> date | None:
    month, day = int(m.group(2)), int(m.group(3))
    y = int(m.group(1)) if m.group(1) else year
    if y is None:
        return None
    # A report dated in January about "12月28日" speaks of the year before.
    if not m.group(1) and doc_date is not None and (month, day) > (doc_date.month, doc_date.day):
        y -= 1
    try:
        return date(y, month, day)
    except ValueError:
        return None


def _context(sentences: list[Sentence], m: Mention, back: int = 3) -> list[Sentence]:
    """The mention's sentence, then those just before it (the lead), then two after (a headline's
    body)."""
    i = m.sentence.index
    near = sentences[max(0, i - back) : i]
    return [m.sentence, *reversed(near), *sentences[i + 1 : i + 3]]


def _name_from(norm: str) -> str | None:
    lead = _LEAD.sub("", norm)
    for m in _EVENT_NAME.finditer(lead):
        name = m.group(1)
        name = re.sub(r"^(?:.*?日(?:上午|下午|晚上)?|.*?(?:报道|讯))", "", name).strip(" ,")
        name = re.sub(r"^(?:在|于|当天|此次|本次|今年|这次|记者从)", "", name)
        name = re.sub(r"在[^在]*$", "", name) if "在" in name[2:] else name
        if len(name) >= 4 and not re.match(r"^(?:此次|本次|这次|签约|现场)", name):
            return name
    return None


def _attributes(ev: EventDraft, sentences: list[Sentence], year: int | None, doc: date | None):
    ctx: list[Sentence] = []
    for m in ev.mentions:
        ctx += [s for s in _context(sentences, m) if s not in ctx]
    for s in ctx:
        if ev.date is None and (d := _DATE.search(s.norm)):
            if (resolved := _resolve_date(d, year, doc)) is not None:
                ev.date = resolved
                _cite(ev.evidence, s)
        places = [p.group(1) for p in _PLACE.finditer(s.norm) if not _WHEN.match(p.group(1))]
        for p in places:
            if len(p) >= 2 and (ev.place is None or len(p) > len(ev.place)):
                ev.place = p
                _cite(ev.evidence, s)
        if ev.name is None and (name := _name_from(s.norm)):
            ev.name = name
            _cite(ev.evidence, s)


def _cite(evidence: list[str], s: Sentence) -> None:
    if s.text not in evidence:
        evidence.append(s.text)


def _organiser(ev: EventDraft, gaz: Gazetteer, sentences: list[Sentence]) -> None:
    texts = [ev.name or ""] + [m.sentence.norm for m in ev.mentions]
    texts += [s.norm for s in sentences[:3]]
    for text in texts:
        found = [p for _, p in gaz.find(text) if p.level != "park"]
        if found:
            # The most local region named first (a county inside its prefecture).
            ev.organiser, ev.organiser_code = found[0].name, found[0].code
            return


# ---------------------------------------------------------------- companies and projects

_ORG_SUFFIX = re.compile(
    r"(?:集团股份有限公司|股份有限公司|有限责任公司|集团有限公司|有限公司|集团公司|(?<!子)公司|集团)"
    r"(?:[(][^()]{1,8}[)])?"
)
_ORG_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()·&]")
_STOP = re.compile(
    r"(?:作为|签约企业之一的|签约企业|代表|的|与|同|及|由|是|为|在|将|向|对|跟|等|签约|签订|签署|"
    r"签定|引进|携手|联合|分别|其中|包括|以及|并|了|和|暨|助力|推动|落户|来自|与会|参加|"
    r"出席|董事长|总经理|负责人|副总裁|总裁|还有|与此同时|其|该|赴|前往|走访|拜访|考察|“|”|说)"
)
_BAD_PREFIX = re.compile(
    r"^(?:该|这家|那家|一家|我们|我|本公司|各|多家|龙头|企业|国有|民营|外资|上市)|[性类型]$|上市$"
)


def find_companies(norm: str) -> list[tuple[int, str]]:
    """Company names ending in 公司/集团, with the text before them trimmed to the name."""
    out: list[tuple[int, str]] = []
    for m in _ORG_SUFFIX.finditer(norm):
        if norm[m.end() : m.end() + 1] == ")":
            continue  # "(集团)" inside a longer name
        i = m.start()
        while i > 0 and _ORG_CHAR.match(norm[i - 1]) and m.start() - i < 40:
            i -= 1
        prefix = norm[i : m.start()]
        stops = list(_STOP.finditer(prefix))
        if stops:
            # A stop word right before the suffix ("作为公司") leaves no name at all.
            if len(prefix) - stops[-1].end() < 2:
                continue
            prefix = prefix[stops[-1].end() :]
        prefix = prefix.lstrip("()")
        if len(prefix) < 2 or _BAD_PREFIX.search(prefix) or re.fullmatch(r"[\d.]+", prefix):
            continue
        name = prefix + m.group(0)
        if not any(name == n for _, n in out):
            out.append((m.start() - len(prefix), name))
    return out


_PROJECT_DEED = re.compile(r"^[^,。]{0,4}(?:投资|建设|投建|新建|打造|实施|开发)")


def _signing_party(norm: str, start: int, name: str) -> bool:
    """A company in a signing sentence, or one that invests in or builds a project itself
    ("X公司投资5亿元", "X公司建设…项目", "由X公司与Y合作的…项目，投资9亿元"); not a venue."""
    after = re.split(r"[,。;]", norm[start + len(name) :])[0]
    if re.search(r"在[^,。]{0,6}$", norm[max(0, start - 8) : start]) and "举行" in after:
        return False
    if re.search(_SIGN, norm) or _PROJECT_DEED.match(after):
        return True
    invested = (_is_total(norm, a) or "投资" in norm[a - 4 : a] for a, _, _ in find_money(norm))
    return "项目" in norm and any(invested)


_PROJECT = re.compile(r"([^,;。:!?、]{2,60}?项目)")
_PROJECT_VERB = re.compile(
    r"^.*(?:打造|建设|新建|投建|建立|实施|布局|签约|签订|签署|签下|引进|落地|发展|开展|"
    r"投资\d[^,]*?元|元的|的|在\S{2,12}?投资)"
)
INDUSTRIES: list[tuple[str, str]] = [
    ("储能", "新能源"),
    ("风电", "新能源"),
    ("光伏", "新能源"),
    ("氢", "新能源"),
    ("新能源", "新能源"),
    ("锂电", "新能源"),
    ("电池", "新能源"),
    ("煤化工", "现代煤化工"),
    ("(?<![能动字])化工", "化工"),
    ("硅基", "硅基新材料"),
    ("新材料", "新材料"),
    ("稀土", "新材料"),
    ("装备", "装备制造"),
    ("汽车", "汽车"),
    ("机械", "装备制造"),
    ("生物", "生物医药"),
    ("医药", "生物医药"),
    ("医疗", "生物医药"),
    ("蛋白", "生物医药"),
    ("电子", "电子信息"),
    ("半导体", "电子信息"),
    ("芯片", "电子信息"),
    ("数据", "数字经济"),
    ("算力", "数字经济"),
    ("数字", "数字经济"),
    ("软件", "数字经济"),
    ("物流", "现代物流"),
    ("食品", "农副产品加工"),
    ("农副产品", "农副产品加工"),
    ("种植", "现代农业"),
    ("养殖", "现代农业"),
    ("农业", "现代农业"),
    ("纺织", "纺织服装"),
    ("服装", "纺织服装"),
    ("文旅", "文化旅游"),
    ("旅游", "文化旅游"),
    ("康养", "文化旅游"),
    ("酒店", "商贸服务"),
    ("商业综合体", "商贸服务"),
    ("钢", "冶金"),
    ("铝", "冶金"),
]


def industry_of(text: str) -> str | None:
    for word, label in INDUSTRIES:
        if re.search(word, text):
            return label
    return None


def _project_name(norm: str) -> str | None:
    best = None
    for m in _PROJECT.finditer(norm):
        name = _PROJECT_VERB.sub("", m.group(1)).lstrip("的")
        if len(name) > 3 and not re.match(r"^(?:该|此|这|等|各|本|重点|签约|集中|招商)", name):
            best = name
    return best


def _project_amount(norm: str) -> Money | None:
    for a, _, money in find_money(norm):
        before = norm[max(0, a - 8) : a]
        if re.search(r"投资|投入|金额|总额|建设", before) and not _NOT_INVESTMENT.search(before):
            return money
    return None


def _location(norm: str, gaz: Gazetteer) -> str | None:
    found = gaz.find(norm)
    rank = {"park": 0, "county": 1, "city": 2}
    found = [p for _, p in found if p.level in rank]
    found.sort(key=lambda p: rank[p.level])
    return found[0].name if found else None


def find_projects(sentences: list[Sentence], gaz: Gazetteer) -> list[tuple[int, ProjectDraft]]:
    """Named investors with what the text says of their project, keyed by sentence index."""
    drafts: dict[str, tuple[int, ProjectDraft]] = {}
    last: tuple[int, ProjectDraft] | None = None
    for s in sentences:
        cut = _cumulative_from(s.norm)
        part = s.norm[:cut]
        companies = [(i, n) for i, n in find_companies(part) if _signing_party(part, i, n)]
        for _, name in companies:
            if name not in drafts:
                drafts[name] = (s.index, ProjectDraft(company=name, evidence=[s.text]))
        if len(companies) > 1:
            _fill_clauses(drafts, s, part, gaz)
        target = drafts[companies[0][1]] if len(companies) == 1 else None
        if target is None and not companies and last and last[0] >= s.index - 2:
            if last[1].amount is None and re.search(r"投资|项目", part):
                target = (last[0], last[1])
        if target is not None:
            _fill(target[1], s, part, gaz)
            last = (s.index, target[1])
        elif companies:
            last = None
    return list(drafts.values())


def _fill_clauses(drafts: dict, s: Sentence, part: str, gaz: Gazetteer) -> None:
    """ "A县与X公司签订…项目，总投资19.8亿元；B县与Y公司…": each clause speaks of one company."""
    for clause in part.split(";"):
        named = find_companies(clause)
        if len(named) == 1 and named[0][1] in drafts:
            _fill(drafts[named[0][1]][1], s, clause, gaz)


def _fill(d: ProjectDraft, s: Sentence, part: str, gaz: Gazetteer) -> None:
    changed = False
    if d.amount is None and (money := _project_amount(part)):
        d.amount, changed = money, True
    if d.project is None and (name := _project_name(part)):
        d.project, changed = name, True
    # A place is the project's only in a sentence that also states its amount or its name.
    if d.location is None and (d.amount or d.project) and (loc := _location(part, gaz)):
        d.location, changed = loc, True
    if d.industry is None and (ind := industry_of(d.project or "") or industry_of(part)):
        d.industry = ind
    if changed and s.text not in d.evidence:
        d.evidence.append(s.text)


# ---------------------------------------------------------------- grouping


def _same_money(a: Money | None, b: Money | None) -> bool:
    if a is None or b is None:
        return True
    if (a.min_wan, a.max_wan, a.currency) == (b.min_wan, b.max_wan, b.currency):
        return True
    # "总投资约43亿元" and "总投资42.95亿元" in one report are one figure, rounded once.
    approx = _APPROX.match(normalise(a.text)) or _APPROX.match(normalise(b.text))
    if approx and a.min_wan and b.min_wan and a.currency == b.currency:
        return abs(a.min_wan - b.min_wan) <= Decimal("0.05") * max(a.min_wan, b.min_wan)
    return False


def _compatible(ev: EventDraft, m: Mention) -> bool:
    same_count = ev.signed_count is None or m.count is None or ev.signed_count == m.count
    return same_count and _same_money(ev.investment, m.total)


def _day(s: Sentence) -> tuple[int, int] | None:
    m = _DATE.search(s.norm)
    return (int(m.group(2)), int(m.group(3))) if m else None


_EARLIER = re.compile(r"继[^,;]*$")


def _part_of(ev: EventDraft, m: Mention, gaz: Gazetteer | None) -> bool:
    """A smaller count (and total) stated after an event, on no other day and by no region
    outside the event's, is a share of it."""
    if ev.signed_count is None or m.count is None or m.count >= ev.signed_count:
        return False
    # "继…签约30个项目后, …签约26个" sets an earlier signing beside this one, not inside it.
    if any(_EARLIER.search(_clause_before(x)) for x in (m, ev.mentions[0])):
        return False
    if gaz is not None:
        mine = gaz.first(m.sentence.norm[: m.pos])
        home = gaz.first(ev.mentions[0].sentence.norm)
        if mine is not None and home is not None and not gaz.within(mine, home):
            return False
    if m.total is not None and ev.investment is not None:
        if m.total.currency != ev.investment.currency or m.total.min_wan >= ev.investment.min_wan:
            return False
    day, home = _day(m.sentence), [_day(x.sentence) for x in ev.mentions]
    return day is None or all(h is None for h in home) or day in home


def _join(ev: EventDraft, m: Mention) -> None:
    ev.mentions.append(m)
    ev.signed_count = ev.signed_count or m.count
    exact = m.total is not None and not _APPROX.match(normalise(m.total.text))
    if ev.investment is None or (exact and _APPROX.match(normalise(ev.investment.text))):
        ev.investment = m.total or ev.investment
    if m.sentence.text not in ev.evidence:
        ev.evidence.append(m.sentence.text)


_WIDE = re.compile(r"全省|全国|全区|全市各|西部|各地|各省|与会|全体|整个")
_OWN = re.compile(r"^(?:我|本)(?:市|省|县|区|州|盟|旗|团)")


def _clause_before(m: Mention) -> str:
    head = m.sentence.norm[: m.pos]
    return head[max(head.rfind(","), head.rfind(";"), head.rfind(":")) + 1 :]


def _own_region(m: Mention, gaz: Gazetteer | None) -> bool:
    clause = _clause_before(m)
    if _OWN.match(clause):
        return True
    found = gaz.find(clause[:12]) if gaz is not None else []
    return any(pos == 0 and p.level != "park" for pos, p in found)


def _regional_view(mentions: list[Mention], gaz: Gazetteer | None) -> list[Mention]:
    """A report from one region's view ("我市有8个项目签约…全省共有107个") takes the region's
    signing as the event; the wider ceremony's figures are context."""
    counted = [m for m in mentions if m.count is not None]
    wide = [m for m in counted if _WIDE.search(_clause_before(m))]
    own = [m for m in counted if m not in wide and _own_region(m, gaz)]
    if not wide or not own or min(o.count for o in own) >= min(w.count for w in wide):
        return mentions
    # The wider figure restated ("在昨天签约的107个项目中") is context too.
    wide_counts = {w.count for w in wide}
    return [m for m in mentions if m not in wide and m.count not in wide_counts]


def _on_its_own_day(m: Mention, events: list[EventDraft]) -> bool:
    """A total dated to a day none of the counted signings is on ("8月31日…签约额总计89.58亿元"
    beside "展会期间…促成签约项目4个") is a signing of its own."""
    day = _day(m.sentence)
    days = {_day(x.sentence) for e in events for x in e.mentions} - {None}
    return day is not None and day not in days


def group_mentions(mentions: list[Mention], gaz: Gazetteer | None = None) -> list[EventDraft]:
    """Mentions stating the same figures are one event (several articles on one ceremony);
    shares of an event and totals without a count stated beside counted ones are not events."""
    if any(not m.subset for m in mentions):
        mentions = [m for m in mentions if not m.subset]
    mentions = _regional_view(mentions, gaz)
    events: list[EventDraft] = []
    for m in (m for m in mentions if m.count is not None):
        home = next((e for e in reversed(events) if _compatible(e, m)), None)
        if home is None and any(_part_of(e, m, gaz) for e in events):
            continue
        if home is None:
            home = EventDraft()
            events.append(home)
        _join(home, m)
    # A ceremony reported before the fair's total ("100个项目现场签约…本届共促成325个") is a share.
    for ev in list(events):
        if any(o is not ev and _part_of(o, ev.mentions[0], gaz) for o in events):
            events.remove(ev)
    counted = bool(events)
    for m in (m for m in mentions if m.count is None):
        same = (e for e in events if e.investment and _same_money(e.investment, m.total))
        home = next(same, None)
        if home is None and counted and _on_its_own_day(m, events):
            home = EventDraft()
            events.append(home)
        elif home is None and not counted:
            home = next((e for e in events if _compatible(e, m)), None) or EventDraft()
            if home not in events:
                events.append(home)
        if home is not None:
            _join(home, m)
    return events


def extract(text: str, gaz: Gazetteer, doc_date: date | None = None) -> Extraction:
    """Events with their signings and named projects, and cumulative figures kept apart."""
    sentences = split_sentences(text)
    year = _year_hint(sentences, doc_date)
    events = group_mentions(find_mentions(sentences), gaz)
    for ev in events:
        _attributes(ev, sentences, year, doc_date)
        _organiser(ev, gaz, sentences)
    _merge_same_day(events)
    projects = find_projects(sentences, gaz)
    for idx, draft in projects:
        if events:
            _home_of(events, idx).projects.append(draft)
    return Extraction(events, find_cumulative(sentences))


def _merge_same_day(events: list[EventDraft]) -> None:
    """An amount-only statement on the day of a counted one is the same signing."""
    for ev in list(events):
        if ev.signed_count is not None:
            continue
        twin = next((e for e in events if e is not ev and e.date == ev.date and ev.date), None)
        if twin is not None and _on_its_own_day(ev.mentions[0], [twin]):
            continue
        if twin is not None and _same_money(twin.investment, ev.investment):
            twin.investment = twin.investment or ev.investment
            twin.evidence += [t for t in ev.evidence if t not in twin.evidence]
            events.remove(ev)


def _home_of(events: list[EventDraft], index: int) -> EventDraft:
    """The event whose first mention comes last before this sentence (or the first event)."""
    before = [e for e in events if e.mentions and e.mentions[0].sentence.index <= index]
    return before[-1] if before else events[0]


# ---------------------------------------------------------------- output


def money_json(m: Money | None) -> dict | None:
    if m is None:
        return None

    def yi(v):
        return None if v is None else float(v / 10000)

    out = {"min": yi(m.min_wan), "max": yi(m.max_wan), "text": m.text}
    if m.currency != "CNY":
        out["currency"] = m.currency
    return out


def to_json(result: Extraction) -> dict:
    """The shape `chainvest ingest --format json` prints; null where the text does not say."""
    events = []
    for ev in result.events:
        events.append(
            {
                "name": ev.name,
                "date": ev.date.isoformat() if ev.date else None,
                "place": ev.place,
                "organiser": ev.organiser,
                "signed_count": ev.signed_count,
                "investment_yi": money_json(ev.investment),
                "projects": [
                    {
                        "company": p.company,
                        "project": p.project,
                        "location": p.location,
                        "amount_yi": money_json(p.amount),
                        "industry": p.industry,
                        "evidence": p.evidence,
                    }
                    for p in ev.projects
                ],
                "evidence": ev.evidence,
            }
        )
    cumulative = [
        {
            "label": c.label,
            "count": c.count,
            "events": c.events,
            "investment_yi": money_json(c.investment),
            "evidence": [c.evidence],
        }
        for c in result.cumulative
    ]
    return {"events": events, "cumulative": cumulative}
