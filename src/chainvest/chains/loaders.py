"""Chain templates: the YAML files under data/chains become Cluster, Chain and Link rows, and back.

The file format is documented in data/chains/_schema.md. Loading validates every file before it
writes anything, writes in one transaction, and only saves rows whose values differ, so a second
run over the same files changes nothing. Links that a file no longer names are kept (projects and
enterprise assignments may point at them); removing them is a deliberate act, not a reload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import models, transaction

from chainvest.chains.models import (
    DEFAULT_THRESHOLDS,
    Chain,
    ChainChief,
    ChainLeader,
    Cluster,
    Link,
    Stage,
)
from chainvest.enterprises.models import Enterprise
from chainvest.regions.models import IndustryCode

CLUSTERS_FILE = "clusters.yaml"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C one is ten times faster
# Chain has one text field for provenance; the note rides in it as a marked last line.
NOTE_PREFIX = "注："
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLASS_CODE = re.compile(r"^\d{4}$")
STAGES = {choice.value for choice in Stage}
CHAIN_KEYS = {
    "code",
    "name",
    "cluster",
    "order",
    "description",
    "chief_title",
    "sources",
    "note",
    "links",
    "flows",
    "chiefs",
    "leaders",
    "thresholds",
}
LINK_KEYS = {
    "code",
    "name",
    "stage",
    "weight",
    "products",
    "keywords",
    "industry_codes",
    "children",
}
CLUSTER_KEYS = {"code", "name", "order", "description"}


@dataclass
class LinkSpec:
    code: str
    name: str
    stage: str
    weight: int
    products: list[str]
    keywords: list[str]
    industry_codes: list[str]
    parent: str | None
    order: int


@dataclass
class ChainSpec:
    source: str  # the file name, for error messages
    code: str
    name: str
    cluster: str
    order: int
    description: str
    chief_title: str
    sources: list[str]
    note: str
    links: list[LinkSpec] = field(default_factory=list)
    flows: list[tuple[str, str]] = field(default_factory=list)
    # None: the file does not say, and what the database holds is left alone.
    chiefs: list[tuple[str, str]] | None = None
    leaders: list[tuple[str, str]] | None = None
    thresholds: dict[str, Any] = field(default_factory=dict)


class _Where:
    """Builds error messages that name the file and the place in it."""

    def __init__(self, source: Path | str, place: str = "") -> None:
        # A file of the folder is named by its file name; an uploaded text by what it was called.
        self.name = source.name if isinstance(source, Path) else source
        self.place = place

    def at(self, place: str) -> _Where:
        return _Where(self.name, place)

    def error(self, message: str) -> ValueError:
        prefix = f"{self.name}：{self.place} " if self.place else f"{self.name}："
        return ValueError(f"{prefix}{message}")


# ---------------------------------------------------------------- reading and validation


def _read_yaml(path: Path) -> Any:
    return _load_yaml(path.read_text(encoding="utf-8"), path.name)


def _load_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise _Where(source).error(f"YAML 格式错误：{exc}") from exc


def _text(
    where: _Where, data: dict, key: str, required: bool = False, limit: int | None = None
) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise where.error(f"缺少字段 {key}")
        return ""
    if not isinstance(value, str):
        raise where.error(f"字段 {key} 应为文本")
    if limit and len(value.strip()) > limit:
        raise where.error(f"字段 {key} 超过 {limit} 个字符")
    return value.strip()


def _integer(where: _Where, data: dict, key: str, default: int, low: int, high: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise where.error(f"字段 {key} 应为 {low}–{high} 的整数，实为「{value}」")
    return value


def _strings(where: _Where, data: dict, key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise where.error(f"字段 {key} 应为文本的列表")
    for item in value:
        # `[1,4-丁二醇]` splits at the comma into 1 and 4-丁二醇: such words need quotes.
        if not isinstance(item, str) or not item.strip():
            raise where.error(f"字段 {key} 的「{item}」不是文本（含逗号等符号的词请加引号）")
    return [v.strip() for v in value]


def _mapping(where: _Where, data: Any, allowed: set[str]) -> dict:
    if not isinstance(data, dict):
        raise where.error("应为键值映射")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise where.error(f"未知字段 {', '.join(map(str, unknown))}")
    return data


def _slug(where: _Where, data: dict) -> str:
    code = _text(where, data, "code", required=True, limit=48)
    if not SLUG.match(code):
        raise where.error(f"代码「{code}」应为小写字母、数字和连字符")
    return code


def parse_clusters(path: Path) -> list[dict]:
    """The clusters file: a list of {code, name, order, description}."""
    items = _read_yaml(path)
    if not isinstance(items, list):
        raise _Where(path).error("应为产业集群的列表")
    clusters, seen = [], set()
    for index, item in enumerate(items, start=1):
        where = _Where(path, f"第 {index} 个产业集群")
        item = _mapping(where, item, CLUSTER_KEYS)
        code = _slug(where, item)
        if code in seen:
            raise where.error(f"产业集群代码 {code} 重复")
        seen.add(code)
        clusters.append(
            {
                "code": code,
                "name": _text(where, item, "name", required=True, limit=64),
                "order": _integer(where, item, "order", 0, 0, 999),
                "description": _text(where, item, "description"),
            }
        )
    return clusters


def _industry_codes(where: _Where, data: dict, known: set[str] | None) -> list[str]:
    value = data.get("industry_codes") or []
    if not isinstance(value, list):
        raise where.error("字段 industry_codes 应为列表")
    for code in value:
        # An unquoted 0610 would reach us as a number, so a string is insisted on.
        if not isinstance(code, str) or not CLASS_CODE.match(code):
            raise where.error(f'行业代码「{code}」应为带引号的 4 位小类代码，如 "3415"')
        if known is not None and code not in known:
            raise where.error(f"行业代码 {code} 不是 GB/T 4754-2017 的小类")
    return list(dict.fromkeys(value))


def _parse_links(
    where: _Where, items: Any, parent: str | None, known: set[str] | None, out: list[LinkSpec]
) -> None:
    if not isinstance(items, list):
        raise where.error("字段 links/children 应为环节的列表")
    for item in items:
        label = (item.get("code") or item.get("name") or "?") if isinstance(item, dict) else "?"
        link_where = where.at(f"环节 {label}")
        item = _mapping(link_where, item, LINK_KEYS)
        code = _slug(link_where, item)
        if any(spec.code == code for spec in out):
            raise link_where.error(f"环节代码 {code} 在本链中重复")
        stage = item.get("stage")
        if stage not in STAGES:
            raise link_where.error(f"stage「{stage}」无效，应为 upstream、midstream 或 downstream")
        out.append(
            LinkSpec(
                code=code,
                name=_text(link_where, item, "name", required=True, limit=64),
                stage=stage,
                weight=_integer(link_where, item, "weight", 1, 1, 3),
                products=_strings(link_where, item, "products"),
                keywords=_strings(link_where, item, "keywords"),
                industry_codes=_industry_codes(link_where, item, known),
                parent=parent,
                order=len(out),
            )
        )
        _parse_links(where, item.get("children") or [], code, known, out)


def _parse_flows(where: _Where, items: Any, codes: set[str]) -> list[tuple[str, str]]:
    if not isinstance(items, list):
        raise where.error("字段 flows 应为列表")
    flows: list[tuple[str, str]] = []
    for index, item in enumerate(items, start=1):
        flow_where = where.at(f"flows 第 {index} 条")
        item = _mapping(flow_where, item, {"from", "to"})
        ends = (item.get("from"), item.get("to"))
        for end in ends:
            if end not in codes:
                raise flow_where.error(f"指向未知环节 {end}")
        if ends[0] == ends[1]:
            raise flow_where.error(f"环节 {ends[0]} 不能流向自身")
        if ends not in flows:
            flows.append(ends)
    return flows


def parse_chain(path: Path, clusters: set[str], known_codes: set[str] | None) -> ChainSpec:
    """One chain file, validated; `known_codes` None means industry codes are not checked."""
    data = _read_yaml(path)
    code = data.get("code") if isinstance(data, dict) else None
    if isinstance(code, str) and code.strip() != path.stem:
        raise _Where(path).error(f"代码 {code.strip()} 与文件名不一致")
    return parse_chain_data(data, path.name, clusters, known_codes)


def parse_chain_text(
    text: str, source: str, clusters: set[str], known_codes: set[str] | None
) -> ChainSpec:
    """A chain template given as text (an upload); `source` names it in error messages."""
    return parse_chain_data(_load_yaml(text, source), source, clusters, known_codes)


def parse_chain_data(
    data: Any, source: str, clusters: set[str], known_codes: set[str] | None
) -> ChainSpec:
    """One chain's template structure, validated; nothing is written."""
    where = _Where(source)
    data = _mapping(where, data, CHAIN_KEYS)
    code = _slug(where, data)
    cluster = _text(where, data, "cluster", required=True)
    if cluster not in clusters:
        raise where.error(f"cluster：未知产业集群 {cluster}")
    spec = ChainSpec(
        source=source,
        code=code,
        name=_text(where, data, "name", required=True, limit=64),
        cluster=cluster,
        order=_integer(where, data, "order", 0, 0, 999),
        description=_text(where, data, "description"),
        chief_title=_text(where, data, "chief_title", limit=64),
        sources=_strings(where, data, "sources"),
        note=_text(where, data, "note"),
    )
    _parse_links(where, data.get("links") or [], None, known_codes, spec.links)
    if not spec.links:
        raise where.error("links：至少需要一个环节")
    spec.flows = _parse_flows(where, data.get("flows") or [], {s.code for s in spec.links})
    spec.chiefs = _pairs(where, data, "chiefs", ("name", "title"))
    spec.leaders = _pairs(where, data, "leaders", ("name", "note"))
    spec.thresholds = _thresholds(where, data.get("thresholds"))
    return spec


def _pairs(where: _Where, data: dict, key: str, fields: tuple[str, str]) -> list | None:
    """链长 or 链主 entries: a list of {name, title|note}; None when the file has no such key."""
    if key not in data:
        return None
    items = data[key] or []
    if not isinstance(items, list):
        raise where.error(f"字段 {key} 应为列表")
    out = []
    for index, item in enumerate(items, start=1):
        item_where = where.at(f"{key} 第 {index} 项")
        item = _mapping(item_where, item, set(fields))
        out.append(
            (
                _text(item_where, item, fields[0], required=True, limit=200),
                _text(item_where, item, fields[1], limit=100),
            )
        )
    return out


THRESHOLD_RANGES = {
    "strong_min_enterprises": (int, 0, 10_000),
    "strong_min_capital_wan": (float, 0, 1e12),
    "strong_min_lq": (float, 0, 1000),
    "build_max_completeness": (float, 0, 1),
    "build_min_relatedness": (float, 0, 1),
}


def _thresholds(where: _Where, data: Any) -> dict[str, Any]:
    """The chain's diagnosis bars (docs/diagnosis.md); keys left out keep their defaults."""
    if data is None:
        return {}
    data = _mapping(where.at("thresholds"), data, set(THRESHOLD_RANGES))
    out = {}
    for key, value in data.items():
        kind, low, high = THRESHOLD_RANGES[key]
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not numeric or (kind is int and not isinstance(value, int)) or not low <= value <= high:
            raise where.at("thresholds").error(f"{key} 应为 {low}–{high} 的数，实为「{value}」")
        out[key] = Decimal(str(value)) if key == "strong_min_capital_wan" else value
    return out


def check_unique(specs: list[ChainSpec]) -> None:
    seen: dict[str, str] = {}
    for spec in specs:
        for key in (f"code:{spec.code}", f"name:{spec.name}"):
            if key in seen:
                raise _Where(spec.source).error(f"产业链 {key} 与 {seen[key]} 重复")
            seen[key] = spec.source
    taken = dict(Chain.objects.values_list("name", "code"))
    for spec in specs:
        if taken.get(spec.name, spec.code) != spec.code:
            raise _Where(spec.source).error(f"名称 {spec.name} 已被产业链 {taken[spec.name]} 使用")


def read_templates(directory: Path) -> tuple[list[dict], list[ChainSpec]]:
    """Every file of the folder, validated; nothing is written."""
    if not directory.is_dir():
        raise ValueError(f"产业链模板目录不存在：{directory}")
    clusters_path = directory / CLUSTERS_FILE
    clusters = parse_clusters(clusters_path) if clusters_path.exists() else []
    cluster_codes = {c["code"] for c in clusters} | set(
        Cluster.objects.values_list("code", flat=True)
    )
    known = set(IndustryCode.objects.filter(level=4).values_list("code", flat=True)) or None
    paths = [
        p
        for p in sorted(directory.glob("*.yaml"))
        if not p.name.startswith("_") and p.name != CLUSTERS_FILE
    ]
    specs = [parse_chain(path, cluster_codes, known) for path in paths]
    check_unique(specs)
    return clusters, specs


# ---------------------------------------------------------------- writing


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    relations: int = 0  # flow and industry-code pairs added or removed
    unknown_leaders: int = 0  # 链主 names of the files not found in the enterprise pool
    user: Any = None  # who made the change, for the chain and link history


def _save_changed(obj: models.Model, values: dict[str, Any], tally: Tally) -> None:
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj._history_user = tally.user
        obj.save(update_fields=changed)
        tally.updated += 1


def _upsert(model: type[models.Model], lookup: dict, values: dict, tally: Tally) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        tally.created += 1
        obj = model(**lookup, **values)
        obj._history_user = tally.user
        obj.save()
        return obj
    _save_changed(obj, values, tally)
    return obj


def _sources_text(spec: ChainSpec) -> str:
    lines = list(spec.sources) + ([NOTE_PREFIX + spec.note] if spec.note else [])
    return "\n".join(lines)


def _sync_links(chain: Chain, spec: ChainSpec, tally: Tally) -> dict[str, Link]:
    existing = {link.code: link for link in chain.links.all()}
    by_code: dict[str, Link] = {}
    for link_spec in spec.links:  # parents come before their children
        values = {
            "name": link_spec.name,
            "stage": link_spec.stage,
            "weight": link_spec.weight,
            "products": link_spec.products,
            "keywords": link_spec.keywords,
            "order": link_spec.order,
            "parent_id": by_code[link_spec.parent].id if link_spec.parent else None,
        }
        link = existing.get(link_spec.code)
        if link is None:
            link = Link(chain=chain, code=link_spec.code, **values)
            link._history_user = tally.user
            link.save()
            tally.created += 1
        else:
            _save_changed(link, values, tally)
        by_code[link_spec.code] = link
    return by_code


def _sync_pairs(
    through: type[models.Model],
    left: str,
    right: str,
    owned: set[int],
    wanted: set[tuple[int, int]],
    tally: Tally,
) -> None:
    """Make the (left, right) rows of `through` whose left end is in `owned` equal `wanted`."""
    rows = through.objects.filter(**{f"{left}__in": owned}).values_list("pk", left, right)
    current = {(a, b): pk for pk, a, b in rows}
    stale = [pk for pair, pk in current.items() if pair not in wanted]
    fresh = wanted - current.keys()
    if stale:
        through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create([through(**{left: a, right: b}) for a, b in fresh])
    tally.relations += len(stale) + len(fresh)


def _sync_relations(
    spec: ChainSpec, links: dict[str, Link], code_ids: dict[str, int], tally: Tally
) -> None:
    ids = {link.id for link in links.values()}
    # Flows leaving this chain's named links are owned by the file; others are left alone.
    flows = {(links[a].id, links[b].id) for a, b in spec.flows}
    _sync_pairs(Link.feeds.through, "from_link_id", "to_link_id", ids, flows, tally)
    if not code_ids:  # no industry table loaded: codes were not checked and are not linked
        return
    wanted = {(links[s.code].id, code_ids[c]) for s in spec.links for c in s.industry_codes}
    _sync_pairs(Link.industry_codes.through, "link_id", "industrycode_id", ids, wanted, tally)


def _sync_people(chain: Chain, spec: ChainSpec, tally: Tally) -> None:
    """Chiefs and leaders named by the file replace the chain's; absent keys change nothing.

    Leaders are enterprises of the pool found by exact name; a name not in the pool (yet) is
    counted in tally.unknown_leaders and skipped, so templates load before the pool does."""
    if spec.chiefs is not None:
        chain.chiefs.exclude(name__in=[n for n, _ in spec.chiefs]).delete()
        for order, (name, title) in enumerate(spec.chiefs):
            _upsert(
                ChainChief, {"chain": chain, "name": name}, {"title": title, "order": order}, tally
            )
    if spec.leaders is not None:
        found = dict(
            Enterprise.objects.filter(
                name__in=[n for n, _ in spec.leaders], merged_into__isnull=True
            ).values_list("name", "id")
        )
        tally.unknown_leaders += sum(1 for n, _ in spec.leaders if n not in found)
        chain.leaders.exclude(enterprise_id__in=found.values()).delete()
        for order, (name, note) in enumerate(spec.leaders):
            if name in found:
                lookup = {"chain": chain, "enterprise_id": found[name]}
                _upsert(ChainLeader, lookup, {"note": note, "order": order}, tally)


def _write(clusters: list[dict], specs: list[ChainSpec]) -> Tally:
    tally = Tally()
    for item in clusters:
        values = {k: v for k, v in item.items() if k != "code"}
        _upsert(Cluster, {"code": item["code"]}, values, tally)
    for spec in specs:
        write_chain_spec(spec, tally)
    return tally


def write_chain_spec(spec: ChainSpec, tally: Tally) -> Chain:
    """One validated chain into the database: only rows whose values differ are saved."""
    values = {
        "name": spec.name,
        "cluster_id": Cluster.objects.values_list("id", flat=True).get(code=spec.cluster),
        "order": spec.order,
        "description": spec.description,
        "chief_title": spec.chief_title,
        "sources": _sources_text(spec),
        "is_demo": False,
        **spec.thresholds,
    }
    code_ids = dict(IndustryCode.objects.filter(level=4).values_list("code", "id"))
    chain = _upsert(Chain, {"code": spec.code}, values, tally)
    _sync_relations(spec, _sync_links(chain, spec, tally), code_ids, tally)
    _sync_people(chain, spec, tally)
    return chain


def load_chain_templates(directory: Path | None = None) -> dict[str, int]:
    """Load clusters.yaml and every chain file of `directory` (default DATA_DIR/chains).

    Raises ValueError naming the file and the field or link that is wrong; then nothing changed.
    Returns counts: clusters, chains, links, flows in the files; rows created and updated, and
    relations (flow and industry-code pairs) added or removed.
    """
    directory = Path(directory) if directory else Path(settings.DATA_DIR) / "chains"
    clusters, specs = read_templates(directory)
    with transaction.atomic():
        tally = _write(clusters, specs)
    return {
        "clusters": len(clusters),
        "chains": len(specs),
        "links": sum(len(s.links) for s in specs),
        "flows": sum(len(s.flows) for s in specs),
        "created": tally.created,
        "updated": tally.updated,
        "relations": tally.relations,
        "unknown_leaders": tally.unknown_leaders,
    }


# ---------------------------------------------------------------- export


def _export_node(node: dict) -> dict:
    link: Link = node["link"]
    data = {
        "code": link.code,
        "name": link.name,
        "stage": link.stage,
        "weight": link.weight,
        "products": list(link.products),
        "keywords": list(link.keywords),
        "industry_codes": sorted(code.code for code in link.industry_codes.all()),
    }
    if node["children"]:
        data["children"] = [_export_node(child) for child in node["children"]]
    return data


def export_chain(chain: Chain) -> dict:
    """The chain in the template structure, ready for yaml.safe_dump (a loadable file)."""
    lines = [line for line in chain.sources.splitlines() if line.strip()]
    notes = [line.removeprefix(NOTE_PREFIX) for line in lines if line.startswith(NOTE_PREFIX)]
    links = chain.links.order_by("order", "id")
    code_of = {link.id: link.code for link in links}
    flows = Link.feeds.through.objects.filter(from_link__chain=chain).order_by(
        "from_link__order", "from_link__id", "to_link__order", "to_link__id"
    )
    return {
        "code": chain.code,
        "name": chain.name,
        "cluster": chain.cluster.code,
        "order": chain.order,
        "description": chain.description,
        "chief_title": chain.chief_title,
        "sources": [line for line in lines if not line.startswith(NOTE_PREFIX)],
        "note": "\n".join(notes),
        "links": [_export_node(node) for node in chain.link_tree()],
        "flows": [
            {"from": code_of[f.from_link_id], "to": code_of[f.to_link_id]}
            for f in flows
            if f.to_link_id in code_of
        ],
        **_export_diagnosis(chain),
    }


def _export_diagnosis(chain: Chain) -> dict:
    """Chiefs, leaders and thresholds other than the defaults: only what the chain has."""
    data: dict[str, Any] = {}
    chiefs = [{"name": c.name, "title": c.title} for c in chain.chiefs.all()]
    leaders = [
        {"name": x.enterprise.name, "note": x.note}
        for x in chain.leaders.select_related("enterprise")
    ]
    given = {
        key: kind(getattr(chain, key))
        for key, (kind, _, _) in THRESHOLD_RANGES.items()
        if kind(getattr(chain, key)) != getattr(DEFAULT_THRESHOLDS, key)
    }
    for key, value in (("chiefs", chiefs), ("leaders", leaders), ("thresholds", given)):
        if value:
            data[key] = value
    return data
