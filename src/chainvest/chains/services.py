"""Editing a chain: its template exported and imported as YAML, and the chain map's edit form.

All three go through the loader's parse and write steps (chains/loaders.py), so an upload, a
submitted form and a file of data/chains are checked by the same rules and written by the same
code. Links are updated in place by code, so their ids (and everything pointing at them:
enterprise assignments, projects, diagnosis snapshots) stay as they were.
"""

from __future__ import annotations

from typing import Any

import yaml
from django.db import transaction

from chainvest.accounts.permissions import can_write_chains, require
from chainvest.chains.loaders import (
    ChainSpec,
    Tally,
    check_unique,
    export_chain,
    parse_chain_data,
    parse_chain_text,
    write_chain_spec,
)
from chainvest.chains.models import Chain, Cluster, Link
from chainvest.regions.models import IndustryCode

NOT_ALLOWED = "只有系统管理员和招商分析员可以修改产业链"
REASON_LIMIT = 100  # simple_history's history_change_reason column


class ChainTemplateError(ValueError):
    """A template or an edit that cannot be applied; the message names the link and field."""


# ---------------------------------------------------------------- export


class _Flow(list):
    """A list written inline, as the files of data/chains write products and keywords."""


class _FlowMap(dict):
    """A mapping written inline, as the files write flows: {from: a, to: b}."""


class _Quoted(str):
    """A string written in double quotes, as the files write sources and industry codes."""


class _TemplateDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Lists nested in a mapping are indented, as in the hand-written files.
        return super().increase_indent(flow, False)


_TemplateDumper.add_representer(
    _Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)
_TemplateDumper.add_representer(
    _Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style='"')
)
_TemplateDumper.add_representer(
    _FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), True)
)


def _inline(node: dict) -> dict:
    out = {**node}
    for key in ("products", "keywords"):
        out[key] = _Flow(node[key])
    out["industry_codes"] = _Flow(_Quoted(code) for code in node["industry_codes"])
    if node.get("children"):
        out["children"] = [_inline(child) for child in node["children"]]
    return out


def export_chain_template(chain: Chain) -> str:
    """The chain as a data/chains file: loading or importing it changes nothing."""
    data = export_chain(chain)
    data["links"] = [_inline(node) for node in data["links"]]
    data["flows"] = [_FlowMap(flow) for flow in data["flows"]]
    data["sources"] = [_Quoted(line) for line in data["sources"]]
    for key in ("chiefs", "leaders"):
        if key in data:
            data[key] = [_FlowMap(item) for item in data[key]]
    head = f"# 产业链模板：{chain.name}（格式见 data/chains/_schema.md）\n"
    body = yaml.dump(
        data, Dumper=_TemplateDumper, allow_unicode=True, sort_keys=False, width=10_000
    )
    return head + body


# ---------------------------------------------------------------- import


def _clusters() -> set[str]:
    return set(Cluster.objects.values_list("code", flat=True))


def _known_codes() -> set[str] | None:
    """GB/T 4754 classes; None while the table is not loaded (codes are then not checked)."""
    return set(IndustryCode.objects.filter(level=4).values_list("code", flat=True)) or None


def _validated(parse, *args: Any) -> ChainSpec:
    try:
        spec = parse(*args, _clusters(), _known_codes())
        check_unique([spec])
    except ValueError as exc:
        raise ChainTemplateError(str(exc)) from exc
    return spec


@transaction.atomic
def import_chain_template(text: str, user: Any, source: str = "上传的模板") -> Chain:
    """Create or update the chain the template names by its code.

    The whole template is checked before anything is written; on an error nothing changes.
    Links the template does not name are kept, as with a reload of data/chains."""
    require(can_write_chains(user), NOT_ALLOWED)
    spec = _validated(parse_chain_text, text, source)
    chain = Chain.objects.select_for_update().filter(code=spec.code).first()
    before = export_chain(chain) if chain else None
    chain = _write(spec, user)
    _record(chain, user, "导入模板", before)
    return chain


def _write(spec: ChainSpec, user: Any) -> Chain:
    return write_chain_spec(spec, Tally(user=user))


# ---------------------------------------------------------------- edit form


@transaction.atomic
def edit_chain(chain: Chain, data: dict[str, Any], user: Any) -> Chain:
    """Apply the edit form: chain name and description, the links and the flows.

    `data["links"]` lists every link the chain keeps, in order: {"id"} for a kept link (its code
    never changes), "code" for a new one, with name, stage, weight, products, keywords,
    industry_codes and parent (a link code or ""). A link left out is removed, unless a record
    points at it. `data["flows"]` is the full list of (from code, to code) pairs."""
    require(can_write_chains(user), NOT_ALLOWED)
    chain = Chain.objects.select_for_update().get(pk=chain.pk)
    before = export_chain(chain)
    existing = {link.id: link for link in chain.links.all()}
    rows = [_row(chain, existing, row) for row in data.get("links", [])]
    template = {
        **before,
        "name": data.get("name", chain.name),
        "description": data.get("description", chain.description),
        "links": _tree(chain, rows),
        "flows": [{"from": a, "to": b} for a, b in data.get("flows", [])],
    }
    spec = _validated(parse_chain_data, template, chain.name)
    kept = {link.code for link in spec.links}
    removed = [link for link in existing.values() if link.code not in kept]
    _check_removable(chain, removed)
    chain = _write(spec, user)
    for link in removed:
        link._history_user = user
        link.delete()
    _record(chain, user, "编辑", before)
    return chain


def _row(chain: Chain, existing: dict[int, Link], row: dict[str, Any]) -> dict[str, Any]:
    """One link of the form in template form; a kept link is found by id and keeps its code."""
    out = {key: row[key] for key in ("name", "stage", "weight") if key in row}
    for key in ("products", "keywords", "industry_codes"):
        out[key] = list(row.get(key) or [])
    if row.get("id"):
        link = existing.get(_int(row["id"]))
        if link is None:
            raise ChainTemplateError(f"{chain.name}：环节 id {row['id']} 不属于本链")
        out["code"] = link.code
    else:
        out["code"] = (row.get("code") or "").strip()
    return {**out, "parent": (row.get("parent") or "").strip()}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _tree(chain: Chain, rows: list[dict[str, Any]]) -> list[dict]:
    """The form's flat rows (each naming its parent) as the template's nested links."""
    nodes: dict[str, dict] = {}
    for row in rows:
        code = row["code"]
        if code and code in nodes:
            raise ChainTemplateError(f"{chain.name}：环节 {code} 字段 code 在本链中重复")
        nodes[code] = {k: v for k, v in row.items() if k != "parent"} | {"children": []}
    roots = []
    for row in rows:
        parent = row["parent"]
        if parent and parent not in nodes:
            raise ChainTemplateError(
                f"{chain.name}：环节 {row['code'] or row.get('name', '?')} 字段 parent："
                f"上级环节 {parent} 不存在或已删除"
            )
        (nodes[parent]["children"] if parent else roots).append(nodes[row["code"]])
    if _count(roots) != len(rows):
        raise ChainTemplateError(f"{chain.name}：字段 parent：环节的上级关系形成了循环")
    return roots


def _count(nodes: list[dict]) -> int:
    return sum(1 + _count(node["children"]) for node in nodes)


def link_references(link: Link) -> dict[str, int]:
    """Records pointing at the link (enterprises, projects, snapshots...), counted by kind.

    Found from the model's relations, so a new kind of record is covered without a change
    here; the chain's own tree (children) and flows are the edit's business, not records."""
    counts = {}
    for relation in Link._meta.related_objects:
        model = relation.related_model
        if model is Link or model is Link.feeds.through or relation.many_to_many:
            continue
        found = model._base_manager.filter(**{relation.field.name: link}).count()
        if found:
            counts[str(model._meta.verbose_name)] = found
    return counts


def _check_removable(chain: Chain, links: list[Link]) -> None:
    for link in links:
        counts = link_references(link)
        if counts:
            used = "、".join(f"{kind} {n} 条" for kind, n in counts.items())
            raise ChainTemplateError(
                f"{chain.name}：环节 {link.code}（{link.name}）仍被记录引用（{used}），不能删除"
            )


# ---------------------------------------------------------------- history


def _record(chain: Chain, user: Any, action: str, before: dict | None) -> None:
    """One history row of the chain saying what the edit did (flows have no rows of their own).

    Nothing changed, nothing recorded: a round trip leaves no trace."""
    after = export_chain(chain)
    changes = _describe(before, after)
    if not changes:
        return
    reason = f"{action}：{'；'.join(changes)}"
    if len(reason) > REASON_LIMIT:
        reason = reason[: REASON_LIMIT - 1] + "…"
    chain._history_user = user
    chain._change_reason = reason
    chain.save()


def _flat(links: list[dict], parent: str = "") -> dict[str, dict]:
    out = {}
    for node in links:
        out[node["code"]] = {k: v for k, v in node.items() if k != "children"} | {"parent": parent}
        out.update(_flat(node.get("children") or [], node["code"]))
    return out


def _describe(before: dict | None, after: dict) -> list[str]:
    if before is None:
        return [f"新建产业链 {after['code']}"]
    old, new = _flat(before["links"]), _flat(after["links"])
    changes = [f"修改 {key}" for key in after if key != "links" and key != "flows"
               and before.get(key) != after[key]]  # fmt: skip
    for label, codes in (
        ("新增环节", [c for c in new if c not in old]),
        ("删除环节", [c for c in old if c not in new]),
        ("修改环节", [c for c in new if c in old and new[c] != old[c]]),
    ):
        if codes:
            changes.append(f"{label} {'、'.join(codes)}")
    flows_old = {(f["from"], f["to"]) for f in before["flows"]}
    flows_new = {(f["from"], f["to"]) for f in after["flows"]}
    for label, pairs in (("新增流向", flows_new - flows_old), ("删除流向", flows_old - flows_new)):
        if pairs:
            changes.append(f"{label} {'、'.join(f'{a}→{b}' for a, b in sorted(pairs))}")
    return changes
