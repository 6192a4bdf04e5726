"""The chain edit form: rows of links and flows, read from the chain or from a POST.

The form is a list of rows rather than a Django formset because rows come and go with htmx;
each row carries a key (`link` / `flow` hidden inputs, in page order) and its fields are named
`link-<key>-<field>`. Validation is the service's: this only turns text into lists and numbers.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.http import QueryDict

from chainvest.chains.models import Chain, Stage

LIST_FIELDS = ("products", "keywords")  # one item a line: items may hold commas and 、
CODE_SPLIT = re.compile(r"[\s,，、;；]+")
WEIGHTS = [(1, "1 配套"), (2, "2 重要"), (3, "3 核心")]


def new_key() -> str:
    return "n" + uuid.uuid4().hex[:8]


def blank_link_row() -> dict[str, Any]:
    fields = ("id", "code", "name", "stage", "parent", *LIST_FIELDS, "industry_codes")
    return {"key": new_key(), "weight": "1", "remove": False, **dict.fromkeys(fields, "")}


def blank_flow_row() -> dict[str, Any]:
    return {"key": new_key(), "from": "", "to": "", "remove": False}


def rows_of(chain: Chain) -> tuple[list[dict], list[dict]]:
    """The chain as the form shows it first: one row per link, one per flow."""
    links = list(chain.links.order_by("order", "id").prefetch_related("industry_codes"))
    code_of = {link.id: link.code for link in links}
    link_rows = [
        {
            "key": str(link.id), "id": str(link.id), "code": link.code, "name": link.name,
            "stage": link.stage, "weight": str(link.weight),
            "parent": code_of.get(link.parent_id, ""),
            "products": "\n".join(link.products), "keywords": "\n".join(link.keywords),
            "industry_codes": " ".join(sorted(c.code for c in link.industry_codes.all())),
            "remove": False,
        }
        for link in links
    ]  # fmt: skip
    pairs = chain.links.model.feeds.through.objects.filter(from_link__chain=chain)
    flow_rows = [
        {"key": f"f{p.pk}", "from": code_of[p.from_link_id], "to": code_of.get(p.to_link_id, ""),
         "remove": False}
        for p in pairs.order_by("from_link__order", "to_link__order", "pk")
    ]  # fmt: skip
    return link_rows, flow_rows


def rows_from_post(post: QueryDict) -> tuple[list[dict], list[dict]]:
    """The rows as submitted, so a refused form comes back exactly as it was filled in."""
    fields = ("id", "code", "name", "stage", "weight", "parent", *LIST_FIELDS, "industry_codes")
    link_rows = [
        {"key": key, **{f: post.get(f"link-{key}-{f}", "") for f in fields},
         "remove": bool(post.get(f"link-{key}-remove"))}
        for key in post.getlist("link")
    ]  # fmt: skip
    flow_rows = [
        {"key": key, "from": post.get(f"flow-{key}-from", ""), "to": post.get(f"flow-{key}-to", ""),
         "remove": bool(post.get(f"flow-{key}-remove"))}
        for key in post.getlist("flow")
    ]  # fmt: skip
    return link_rows, flow_rows


def _blank(row: dict[str, Any]) -> bool:
    return not row["id"] and not row["code"].strip() and not row["name"].strip()


def _weight(value: str) -> Any:
    return int(value) if value.strip().isdigit() else value  # the service names a bad one


def edit_data(post: QueryDict, link_rows: list[dict], flow_rows: list[dict]) -> dict[str, Any]:
    """What edit_chain takes: the links kept (removed and untouched blank rows left out)."""
    links = [
        {
            "id": row["id"], "code": row["code"].strip(), "name": row["name"].strip(),
            "stage": row["stage"], "weight": _weight(row["weight"]), "parent": row["parent"],
            **{f: [s.strip() for s in row[f].splitlines() if s.strip()] for f in LIST_FIELDS},
            "industry_codes": [c for c in CODE_SPLIT.split(row["industry_codes"]) if c],
        }
        for row in link_rows
        if not row["remove"] and not _blank(row)
    ]  # fmt: skip
    # Removing a link takes its flows with it; the rest must name links the chain keeps.
    dropped = {row["code"] for row in link_rows if row["remove"]}
    flows = [
        (row["from"].strip(), row["to"].strip())
        for row in flow_rows
        if not row["remove"]
        and (row["from"].strip() or row["to"].strip())
        and not dropped & {row["from"].strip(), row["to"].strip()}
    ]
    return {
        "name": post.get("name", "").strip(),
        "description": post.get("description", "").strip(),
        "links": links,
        "flows": flows,
    }


def choices() -> dict[str, Any]:
    return {"stages": Stage.choices, "weights": WEIGHTS}
