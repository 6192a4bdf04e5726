"""Synthetic national enterprise pools in a vendor's export layout, for scale work.

Everything generated here is invented (names, codes, people, addresses, relations) and must never
be shown as real data; the pools exist for benchmarks and targeting tests. The output looks like
a vendor export on purpose (no title row, no marker in the names), so that the importer is
exercised as with a real file; the command that writes it says it is synthetic.

Reads only data files (regions, industries, chain templates, data/synth word lists), never the
database, and streams: a pool of millions of rows is written row by row. The same seed gives the
same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from array import array
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from chainvest.chains.loaders import CLUSTERS_FILE, parse_chain, parse_clusters
from chainvest.engine.text import USCC_ALPHABET, uscc_check_char

# The columns of a typical commercial-service export, in their order (the import reads any order).
HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "注册资本",
    "成立日期",
    "登记状态",
    "所属省份",
    "所属城市",
    "所属区县",
    "企业(机构)类型",
    "国标行业门类",
    "国标行业大类",
    "国标行业中类",
    "国标行业小类",
    "参保人数",
    "注册地址",
    "经营范围",
    "曾用名",
]
RELATION_HEADERS = ["source_uscc", "target_uscc", "kind"]
FORMER_NAME_SEPARATOR = "；"
MAX_ENTERPRISES = 100_000_000  # the organisation-code space below stays one-to-one up to here
LAST_DAY = dt.date(2024, 12, 31)  # fixed, so a seed gives the same file on any day
CHAIN_SHARE = 0.35  # share of enterprises that sit on a chain link; the rest trade and serve
MUNICIPALITIES = {"11", "12", "31", "50"}

STATUSES = [("存续", 70), ("在业", 14), ("注销", 8), ("吊销，未注销", 4), ("迁出", 2), ("停业", 1)]
STATUSES += [("清算", 1)]
LIMITED_TYPES = [
    ("有限责任公司(自然人投资或控股)", 58),
    ("有限责任公司(自然人独资)", 24),
    ("有限责任公司(非自然人投资或控股的法人独资)", 12),
    ("有限责任公司(自然人投资或控股的法人独资)", 4),
    ("有限责任公司(国有独资)", 2),
]
FOREIGN_TYPES = ["有限责任公司(外商投资、非独资)", "有限责任公司(台港澳与境内合资)"]
SHARE_TYPES = ["股份有限公司(非上市、自然人投资或控股)", "股份有限公司(非上市、国有控股)"]
NICE_CAPITALS = [10, 20, 30, 50, 100, 200, 300, 500, 800, 1000, 2000, 3000, 5000, 8000, 10000]
NICE_CAPITALS += [20000, 50000, 100000]
ROAD_ENDS = ["路", "街", "大道", "西路", "东路", "南路", "北路"]
OLD_CLOSING = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
GENERAL_HEAD, GENERAL_CLOSING = (
    "一般项目：",
    "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
)
LICENSED_HEAD = "许可项目："
LICENSED_CLOSING = (
    "（依法须经批准的项目，经相关部门批准后方可开展经营活动，"
    "具体经营项目以相关部门批准文件或许可证件为准）"
)


@dataclass(frozen=True)
class County:
    code: str
    name: str
    city: str
    province: str
    prefixes: tuple[str, ...]


@dataclass(eq=False)
class LinkWords:
    position: int
    chain: str
    code: str
    keywords: list[str]
    products: list[str]
    industry: str
    words: list[str]
    feeders: list[int] = field(default_factory=list)  # positions of links that supply this one


@dataclass(frozen=True)
class Sector:
    industry: str
    words: list[str]
    scope: list[str]


@dataclass
class Words:
    """Everything the generator draws from, read once from the data folder."""

    counties: list[County]
    county_weights: list[int]
    industries: dict[str, tuple[str, str, str, str]]  # class → section, division, group, class
    links: list[LinkWords]
    link_weights: list[int]
    sectors: list[Sector]
    sector_weights: list[int]
    name_chars: list[str]
    surnames: list[str]
    given_chars: list[str]
    common_scope: list[str]


@dataclass
class SynthEnterprise:
    index: int
    name: str
    uscc: str
    county: County
    industry: str  # GB/T 4754 class code
    capital_text: str
    capital_wan: float | None  # None unless given in 万元 (CNY)
    established: dt.date
    status: str
    insured: int | None
    scope: str
    former_names: list[str]
    legal_representative: str
    enterprise_type: str
    address: str
    link: LinkWords | None

    def csv_row(self, industries: dict[str, tuple[str, str, str, str]]) -> list[str]:
        section, division, group, klass = industries[self.industry]
        return [
            self.name,
            self.uscc,
            self.legal_representative,
            self.capital_text,
            self.established.isoformat(),
            self.status,
            self.county.province,
            self.county.city,
            self.county.name,
            self.enterprise_type,
            section,
            division,
            group,
            klass,
            "-" if self.insured is None else str(self.insured),
            self.address,
            self.scope,
            FORMER_NAME_SEPARATOR.join(self.former_names),
        ]


# ---------------------------------------------------------------- reading the data files


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _chars(path: Path) -> list[str]:
    return list(dict.fromkeys(path.read_text(encoding="utf-8").split()))


def _short(name: str, suffixes: tuple[str, ...]) -> str:
    """'昌吉回族自治州' → '昌吉', '奇台县' → '奇台', '阿克苏地区' → '阿克苏'; '' if too short."""
    if "自治" in name:
        return name[:2]
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return ""


def county_weight(name: str) -> int:
    """Urban districts hold more enterprises than county-level cities, and those than counties."""
    if name.endswith("区"):
        return 3
    return 2 if name.endswith("市") else 1


def read_counties(path: Path) -> list[County]:
    rows = _csv(path)
    by_code = {row["code"]: row for row in rows}
    counties = []
    for row in rows:
        if row["level"] != "county":
            continue
        parent = by_code[row["parent"]]
        province = parent if parent["level"] == "province" else by_code[parent["parent"]]
        if parent["level"] == "province":
            city = province["name"] if row["code"][:2] in MUNICIPALITIES else row["name"]
        else:
            city = parent["name"]
        prefixes = [province["short_name"] or province["name"][:2]]
        prefixes += [
            _short(city, ("市", "地区", "盟")),
            _short(row["name"], ("市", "县", "区", "旗")),
        ]
        counties.append(
            County(
                row["code"], row["name"], city, province["name"], tuple(p for p in prefixes if p)
            )
        )
    return counties


def read_industries(path: Path) -> dict[str, tuple[str, str, str, str]]:
    rows = {row["code"]: row for row in _csv(path)}
    classes = {}
    for code, row in rows.items():
        if row["level"] != "4":
            continue
        group = rows[row["parent"]]
        division = rows[group["parent"]]
        section = rows[division["parent"]]
        classes[code] = (section["name"], division["name"], group["name"], row["name"])
    return classes


def read_links(chain_dir: Path, words_path: Path, industries: dict) -> list[LinkWords]:
    clusters = {c["code"] for c in parse_clusters(chain_dir / CLUSTERS_FILE)}
    chain_words = {row["chain"]: row["words"].split("|") for row in _csv(words_path)}
    links: list[LinkWords] = []
    for path in sorted(chain_dir.glob("*.yaml")):
        if path.name.startswith("_") or path.name == CLUSTERS_FILE:
            continue
        spec = parse_chain(path, clusters, None)
        fallback = next(code for s in spec.links for code in s.industry_codes if code in industries)
        start = len(links)
        position = {s.code: start + i for i, s in enumerate(spec.links)}
        for s in spec.links:
            industry = next((c for c in s.industry_codes if c in industries), fallback)
            words = chain_words.get(spec.code, [spec.name])
            links.append(
                LinkWords(len(links), spec.code, s.code, s.keywords, s.products, industry, words)
            )
        for source, target in spec.flows:
            links[position[target]].feeders.append(position[source])
    return links


def read_words(data_dir: Path) -> Words:
    """The regions, industries, chain templates and word lists under `data_dir`."""
    industries = read_industries(data_dir / "industries" / "gbt4754-2017.csv")
    counties = read_counties(data_dir / "regions" / "gbt2260.csv")
    synth = data_dir / "synth"
    links = read_links(data_dir / "chains", synth / "chain_words.csv", industries)
    sectors = _csv(synth / "general_sectors.csv")
    return Words(
        counties=counties,
        county_weights=[county_weight(c.name) for c in counties],
        industries=industries,
        links=links,
        link_weights=[max(1, len(link.keywords)) for link in links],
        sectors=[
            Sector(row["class"], row["words"].split("|"), row["scope"].split("|"))
            for row in sectors
        ],
        sector_weights=[int(row["weight"]) for row in sectors],
        name_chars=_chars(synth / "name_chars.txt"),
        surnames=_chars(synth / "surnames.txt"),
        given_chars=_chars(synth / "given_chars.txt"),
        common_scope=[
            line.strip()
            for line in (synth / "scope_common.txt").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ],
    )


# ---------------------------------------------------------------- codes


_ORG_VALUE = {c: (int(c) if c.isdigit() else ord(c) - 55) for c in USCC_ALPHABET}


def _org_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code (A=10 … Z=35)."""
    total = sum(_ORG_VALUE[c] * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _base31(value: int, width: int) -> str:
    digits = []
    for _ in range(width):
        value, rest = divmod(value, 31)
        digits.append(USCC_ALPHABET[rest])
    return "".join(reversed(digits))


def synth_uscc(county: str, index: int, salt: int, old_style: bool) -> str:
    """A valid, unique code: '91' (enterprise) + county + organisation code + check character.

    The organisation code is a one-to-one scramble of the row index: numeric for enterprises
    registered before the 2015 reform, 'MA…' for later ones, as on real certificates.
    """
    if old_style:
        body = f"{(index * 61_803_399 + salt) % 10**8:08d}"
    else:
        body = "MA" + _base31((index * 387_420_489 + salt) % 31**6, 6)
    first17 = "91" + county + body + _org_check(body)
    return first17 + uscc_check_char(first17)


# ---------------------------------------------------------------- the generator


def _cumulative(weights: list[int]) -> list[int]:
    total, out = 0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _format_amount(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


class PoolGenerator:
    """Enterprises one by one, and (if asked) their relations to earlier ones.

    Relations draw from a second random stream, so asking for them leaves the enterprises'
    bytes unchanged.
    """

    def __init__(self, words: Words, seed: int, relations: bool = False) -> None:
        self.w = words
        self.seed = seed
        self.rng = random.Random(seed)
        self.rel_rng = random.Random(seed * 1_000_003 + 17) if relations else None
        self.salt = random.Random(seed ^ 0x5EED).randrange(10**8)
        self.county_cum = _cumulative(words.county_weights)
        self.link_cum = _cumulative(words.link_weights)
        self.sector_cum = _cumulative(words.sector_weights)
        self.status_cum = _cumulative([w for _, w in STATUSES])
        self.limited_cum = _cumulative([w for _, w in LIMITED_TYPES])
        # What relations need to know of earlier rows: county, code style, link members, big ones.
        self.row_county = array("I")
        self.row_old = bytearray()
        self.members: list[array] = [array("I") for _ in words.links]
        self.big = array("I")

    def _pick(self, items: list, cum: list[int]):
        return items[bisect(cum, self.rng.random() * cum[-1])]

    def _choice(self, items: list):
        # Cheaper than Random.choice, and as reproducible.
        return items[int(self.rng.random() * len(items))]

    def _word(self) -> str:
        return self._choice(self.w.name_chars) + self._choice(self.w.name_chars)

    def _name(self, county: County, words: list[str], suffix: str) -> str:
        rng = self.rng
        industry = self._choice(words)
        tech = "科技" if rng.random() < 0.25 and not industry.endswith(("科技", "技术")) else ""
        return f"{self._choice(county.prefixes)}{self._word()}{industry}{tech}{suffix}"

    def _capital(self, foreign: bool) -> tuple[str, float | None]:
        rng = self.rng
        if rng.random() < 0.01:
            return "-", None
        value = rng.lognormvariate(math.log(200), 1.6)
        if rng.random() < 0.8:
            value = NICE_CAPITALS[min(bisect(NICE_CAPITALS, value), len(NICE_CAPITALS) - 1)]
        else:
            value = round(value, 4) or 1.0
        if foreign:
            return f"{_format_amount(value)}万美元", None
        unit = "万元人民币" if rng.random() < 0.6 else "万元"
        return f"{_format_amount(value)}{unit}", float(value)

    def _established(self) -> dt.date:
        days = min(int(self.rng.expovariate(1 / (8 * 365))), 34 * 365)
        return LAST_DAY - dt.timedelta(days=days)

    def _person(self) -> str:
        rng = self.rng
        given = self._choice(self.w.given_chars)
        if rng.random() < 0.7:
            given += self._choice(self.w.given_chars)
        return self._choice(self.w.surnames) + given

    def _address(self, county: County) -> str:
        place = county.province if county.province == county.city else county.province + county.city
        road = self._word() + self._choice(ROAD_ENDS)
        return f"{place}{county.name}{road}{self.rng.randint(1, 999)}号"

    def _scope(self, general: list[str], licensed: list[str], day: dt.date) -> str:
        """The registered wording of each era: plain list, old closing line, or 2021 layout."""
        if day.year < 2014:
            return "；".join(general + licensed) + "。"
        if day.year < 2021:
            return "；".join(general + licensed) + "。" + OLD_CLOSING
        text = GENERAL_HEAD + "；".join(general) + "。" + GENERAL_CLOSING
        if licensed:
            text += LICENSED_HEAD + "；".join(licensed) + "。" + LICENSED_CLOSING
        return text

    def _link_scope(self, link: LinkWords) -> list[str]:
        rng = self.rng
        items = rng.sample(link.keywords, min(len(link.keywords), rng.randint(1, 3)))
        if link.products and rng.random() < 0.5:
            items.append(self._choice(link.products) + "销售")
        if link.feeders and rng.random() < 0.3:
            feeder = self.w.links[self._choice(link.feeders)]
            if feeder.keywords:
                items.append(self._choice(feeder.keywords))
        return items

    def _items(self, link: LinkWords | None, sector: Sector | None) -> tuple[list[str], list[str]]:
        rng = self.rng
        if link is not None:
            items = self._link_scope(link)
        else:
            items = rng.sample(sector.scope, min(len(sector.scope), rng.randint(2, 5)))
        items += rng.sample(self.w.common_scope, rng.randint(0, 3))
        items = list(dict.fromkeys(items))
        return [i for i in items if not i.startswith("!")], [i[1:] for i in items if i[0] == "!"]

    def _kind(self, shares: bool, foreign: bool) -> str:
        if shares:
            return self._choice(SHARE_TYPES)
        if foreign:
            return self._choice(FOREIGN_TYPES)
        return self._pick([t for t, _ in LIMITED_TYPES], self.limited_cum)

    def _former(self, county: County, words: list[str], suffix: str, name: str) -> list[str]:
        rng = self.rng
        roll = rng.random()
        if roll >= 0.08:
            return []
        count = 2 if roll < 0.01 else 1
        names = [self._name(county, words, suffix) for _ in range(count)]
        return [n for n in dict.fromkeys(names) if n != name]

    def make(self, index: int) -> SynthEnterprise:
        rng = self.rng
        county = self._pick(self.w.counties, self.county_cum)
        link = sector = None
        if rng.random() < CHAIN_SHARE:
            link = self._pick(self.w.links, self.link_cum)
            words, industry = link.words, link.industry
        else:
            sector = self._pick(self.w.sectors, self.sector_cum)
            words, industry = sector.words, sector.industry
        shares = rng.random() < 0.04
        foreign = not shares and rng.random() < 0.03
        suffix = "股份有限公司" if shares else "有限责任公司" if rng.random() < 0.12 else "有限公司"
        name = self._name(county, words, suffix)
        day = self._established()
        capital_text, capital_wan = self._capital(foreign)
        general, licensed = self._items(link, sector)
        insured = None if rng.random() < 0.05 else int(rng.lognormvariate(1.6, 1.4) * 0.9)
        return SynthEnterprise(
            index=index,
            name=name,
            uscc=synth_uscc(county.code, index, self.salt, day.year < 2016),
            county=county,
            industry=industry,
            capital_text=capital_text,
            capital_wan=capital_wan,
            established=day,
            status=self._pick([s for s, _ in STATUSES], self.status_cum),
            insured=insured,
            scope=self._scope(general, licensed, day),
            former_names=self._former(county, words, suffix, name),
            legal_representative=self._person(),
            enterprise_type=self._kind(shares, foreign),
            address=self._address(county),
            link=link,
        )

    # ------------------------------------------------------------ relations

    def _uscc_of(self, index: int) -> str:
        county = f"{self.row_county[index]:06d}"
        return synth_uscc(county, index, self.salt, bool(self.row_old[index]))

    def relations(self, ent: SynthEnterprise) -> list[tuple[str, str, str]]:
        """Ties of this enterprise to earlier ones: suppliers on feeding links, an investor."""
        rng = self.rel_rng
        found: list[tuple[str, str, str]] = []
        link_pos = ent.link.position if ent.link is not None else -1
        if link_pos >= 0 and ent.link.feeders and rng.random() < 0.35:
            pool = self.members[rng.choice(ent.link.feeders)]
            if pool:
                partner = self._uscc_of(pool[rng.randrange(len(pool))])
                if rng.random() < 0.6:
                    found.append((partner, ent.uscc, "supplies"))
                else:
                    found.append((ent.uscc, partner, "buys_from"))
        if self.big and rng.random() < 0.02:
            investor = self._uscc_of(self.big[rng.randrange(len(self.big))])
            found.append((investor, ent.uscc, "invests_in"))
        self._remember(ent, link_pos)
        return list(dict.fromkeys(found))

    def _remember(self, ent: SynthEnterprise, link_pos: int) -> None:
        self.row_county.append(int(ent.county.code))
        self.row_old.append(1 if ent.established.year < 2016 else 0)
        if link_pos >= 0:
            self.members[link_pos].append(ent.index)
        if ent.capital_wan is not None and ent.capital_wan >= 5000:
            self.big.append(ent.index)

    def enterprises(self, count: int) -> Iterator[tuple[SynthEnterprise, list]]:
        if not 0 <= count <= MAX_ENTERPRISES:
            raise ValueError(f"企业数量应在 0 到 {MAX_ENTERPRISES} 之间")
        for index in range(count):
            ent = self.make(index)
            yield ent, (self.relations(ent) if self.rel_rng is not None else [])


def write_pool(
    words: Words,
    count: int,
    seed: int,
    out: IO[str],
    relations_out: IO[str] | None = None,
) -> tuple[int, int]:
    """Stream `count` enterprises (and their relations) as CSV; returns (enterprises, relations)."""
    generator = PoolGenerator(words, seed, relations=relations_out is not None)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    rel_writer = csv.writer(relations_out, lineterminator="\n") if relations_out else None
    if rel_writer:
        rel_writer.writerow(RELATION_HEADERS)
    ties = 0
    for ent, found in generator.enterprises(count):
        writer.writerow(ent.csv_row(words.industries))
        if rel_writer and found:
            rel_writer.writerows(found)
            ties += len(found)
    return count, ties
