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
_SPLIT = re.compile(r"(?<=[。！？!?；;])[”’」』\"]*")


def normalise(text: str) -> str:
    """Simplified script, half-width digits and brackets, no stray pinyin, no spaces at figures."""
    text = unicodedata.normalize("NFKC", normalise_digits(text))
    text = zhconv.convert(text, "zh-cn")
    text = _PINYIN.sub("", text)
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
    _pattern: re.Pattern[str] | None = None

    def add(self, alias: str, place: Place) -> None:
        if len(alias) >= 2:
            self.places.setdefault(alias, []).append(place)
            self._pattern = None

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
_SIGN = r"(?:签约|签订|签下|签署|签了)"
_GAP = r"[^,;。:!?]"
# Phrasings of "N projects were signed", each with the count in group 1.
_COUNT_PATTERNS = [
    re.compile(rf"{_SIGN}{_GAP}{{0,14}}?项目(?:共|合计|总计)?{_COUNT}个"),
    re.compile(
        rf"{_SIGN}(?!{_GAP}*(?:开工|竣工|投产)){_GAP}{{0,30}}?{_COUNT}个{_GAP}{{0,14}}?项目"
    ),
    re.compile(
        rf"{_COUNT}个(?:{_GAP}(?!开工|竣工|投产)){{0,16}}?项目(?:{_GAP}(?!开工|竣工|投产)){{0,24}}?"
        rf"(?:集中|现场|成功|顺利|正式|分别|举行|进行|完成)?{_SIGN}"
    ),
    re.compile(rf"{_COUNT}个(?:{_GAP}){{0,12}}?(?:签约|签订)项目"),
]
_TOTAL_WORDS = re.compile(
    r"(?:总投资额?|投资总额|总金额|签约金额|签约总金额|签约总额|协议金额|协议总金额|协议投资|"
    r"协议总投资|合同金额|合同总金额|计划投资|总额|投资额|金额|总投资约?)(?:达|为|约|共|合计|近)*$"
)
_AMOUNT_ONLY = re.compile(rf"{_SIGN}(?:总)?(?:金额|总额|资金)")
_NOT_INVESTMENT = re.compile(
    r"(?:收入|利润|产值|营收|销售|税收|利税|营业额|GDP|生产总值|贷款|融资)"
)
_CUMULATIVE = re.compile(
    r"累计|截至|截止|至今|以来|先后|此前|之前|当月|本月|全年|年内|上半年|下半年|前三季度|"
    r"一季度|二季度|三季度|前[一二三四五六七八九十\d]+个?月|今年共|已签约|共举办|共举行|期间共|"
    r"历届|近年来|近[一二三四五\d]年"
)


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


def _investment_near(norm: str, start: int, end: int) -> Money | None:
    """The investment amount stated right after (or just before) a count."""
    best = None
    for a, b, money in find_money(norm):
        before = norm[max(0, a - 12) : a]
        if _NOT_INVESTMENT.search(before[-6:]):
            continue
        if not _TOTAL_WORDS.search(before) and not re.search(r"[^\d]的$", norm[b : b + 1] + "的"):
            if not _TOTAL_WORDS.search(before):
                continue
        # After the count and within the same sentence part, or right before "…的N个项目".
        if a >= end and (best is None or a < best[0]) and ";" not in norm[end:a]:
            best = (a, money)
        elif b <= start and norm[b:start].startswith("的") and len(norm[b:start]) < 4:
            return money
    return best[1] if best else None


def _cumulative_from(norm: str) -> int:
    """Offset where the cumulative part of a sentence begins (len(norm) if none)."""
    m = _CUMULATIVE.search(norm)
    if not m:
        return len(norm)
    clause = max(norm.rfind(",", 0, m.start()), norm.rfind(":", 0, m.start()))
    return clause + 1


def find_mentions(sentences: list[Sentence]) -> list[Mention]:
    out = []
    for s in sentences:
        cut = _cumulative_from(s.norm)
        part = s.norm[:cut]
        seen: list[tuple[int, int]] = []
        for pat in _COUNT_PATTERNS:
            for m in pat.finditer(part):
                if any(a <= m.start(1) < b for a, b in seen):
                    continue
                seen.append((m.start(), m.end()))
                total = _investment_near(part, m.start(), m.end())
                subset = "其中" in part[: m.start()]
                out.append(Mention(s, m.start(), _count_value(m.group(1)), total, subset))
        if not seen and (m := _AMOUNT_ONLY.search(part)):
            total = _investment_near(part, m.start(), m.end())
            if total is not None:
                out.append(Mention(s, m.start(), None, total, "其中" in part[: m.start()]))
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
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日")
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
        places = [p.group(1) for p in _PLACE.finditer(s.norm)]
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
    r"引进|携手|联合|分别|其中|包括|以及|并|了|和|暨|助力|推动|落户|来自|旗下|控股|与会|参加|出席|"
    r"董事长|总经理|负责人|副总裁|总裁|以及|还有|与此同时|其|该|有|从|被|把|让|经|据|“|”|说)"
)
_BAD_PREFIX = re.compile(
    r"^(?:该|本|这|那|一家|我|贵|子|分|母|总|上市|各|多家|龙头|企业|国有|民营|外资)"
)


def find_companies(norm: str) -> list[tuple[int, str]]:
    """Company names ending in 公司/集团, with the text before them trimmed to the name."""
    out = []
    for m in _ORG_SUFFIX.finditer(norm):
        i = m.start()
        while i > 0 and _ORG_CHAR.match(norm[i - 1]) and m.start() - i < 40:
            i -= 1
        prefix = norm[i : m.start()]
        cuts = [s.end() for s in _STOP.finditer(prefix) if len(prefix) - s.end() >= 2]
        if cuts:
            prefix = prefix[max(cuts) :]
        prefix = prefix.lstrip("()")
        if len(prefix) < 2 or _BAD_PREFIX.match(prefix) or re.fullmatch(r"[\d.]+", prefix):
            continue
        name = prefix + m.group(0)
        if not any(name == n for _, n in out):
            out.append((m.start() - len(prefix), name))
    return out


_PROJECT = re.compile(r"([^,;。:!?、]{2,60}?项目)")
_PROJECT_VERB = re.compile(
    r"^.*(?:打造|建设|新建|投建|建立|实施|布局|签约|签下|引进|落地|发展|开展|投资\d[^,]*?元|元的|的|在\S{2,12}?投资)"
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


_SIGNING_CONTEXT = re.compile(rf"{_SIGN}|落户|引进|投资|入驻|达成")


def find_projects(sentences: list[Sentence], gaz: Gazetteer) -> list[tuple[int, ProjectDraft]]:
    """Named investors with what the text says of their project, keyed by sentence index."""
    drafts: dict[str, tuple[int, ProjectDraft]] = {}
    last: tuple[int, ProjectDraft] | None = None
    for s in sentences:
        cut = _cumulative_from(s.norm)
        part = s.norm[:cut]
        companies = find_companies(part) if _SIGNING_CONTEXT.search(s.norm) else []
        for _, name in companies:
            if name not in drafts:
                drafts[name] = (s.index, ProjectDraft(company=name, evidence=[s.text]))
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


def _fill(d: ProjectDraft, s: Sentence, part: str, gaz: Gazetteer) -> None:
    changed = False
    if d.amount is None and (money := _project_amount(part)):
        d.amount, changed = money, True
    if d.project is None and (name := _project_name(part)):
        d.project, changed = name, True
    if d.location is None and (loc := _location(part, gaz)) and d.amount or d.project:
        if d.location is None and (loc := _location(part, gaz)):
            d.location, changed = loc, True
    if d.industry is None and (ind := industry_of(d.project or "") or industry_of(part)):
        d.industry = ind
    if changed and s.text not in d.evidence:
        d.evidence.append(s.text)


# ---------------------------------------------------------------- grouping


def _same_money(a: Money | None, b: Money | None) -> bool:
    return a is None or b is None or (a.min_wan, a.max_wan) == (b.min_wan, b.max_wan)


def _compatible(ev: EventDraft, m: Mention) -> bool:
    same_count = ev.signed_count is None or m.count is None or ev.signed_count == m.count
    return same_count and _same_money(ev.investment, m.total)


def group_mentions(mentions: list[Mention]) -> list[EventDraft]:
    """Mentions stating the same figures are one event (several articles on one ceremony)."""
    if any(not m.subset for m in mentions):
        mentions = [m for m in mentions if not m.subset]
    events: list[EventDraft] = []
    for m in mentions:
        home = next((e for e in reversed(events) if _compatible(e, m)), None)
        if home is None:
            home = EventDraft()
            events.append(home)
        home.mentions.append(m)
        home.signed_count = home.signed_count or m.count
        home.investment = home.investment or m.total
        if m.sentence.text not in home.evidence:
            home.evidence.append(m.sentence.text)
    return events


def extract(text: str, gaz: Gazetteer, doc_date: date | None = None) -> Extraction:
    """Events with their signings and named projects, and cumulative figures kept apart."""
    sentences = split_sentences(text)
    year = _year_hint(sentences, doc_date)
    events = group_mentions(find_mentions(sentences))
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
