"""What the chain map page shows beside its graph: the link list, the legend, one link's panel."""

from __future__ import annotations

from typing import Any

from chainvest.chains.diagnosis import ChainDiagnosis, LinkDiagnosis, local_enterprises
from chainvest.chains.models import Chain, Link, Stage
from chainvest.chains.snapshots import gap_fills
from chainvest.reports import chains as reports


def link_list(diagnosis: ChainDiagnosis) -> list[dict[str, Any]]:
    """The links by stage, 上游 → 中游 → 下游, each with its status for the list's tags."""
    stages = [{"code": code, "label": label, "links": []} for code, label in Stage.choices]
    by_code = {stage["code"]: stage for stage in stages}
    for link in diagnosis.links:
        by_code.get(link.stage, by_code[Stage.MIDSTREAM])["links"].append(_item(link))
    return [stage for stage in stages if stage["links"]]


def _item(link: LinkDiagnosis) -> dict[str, Any]:
    return {
        "diagnosis": link,
        "status_label": reports.status_label(link.status),
        "tag": reports.STATUS_TAGS.get(link.status, "info"),
    }


def legend(diagnosis: ChainDiagnosis) -> list[dict[str, Any]]:
    counts = reports.status_counts(diagnosis)
    return [
        {
            "status": status,
            "label": reports.STATUS_LABELS[status],
            "colour": reports.STATUS_COLOURS[status],
            "count": counts[status],
        }
        for status in reports.STATUSES
    ]


def selected_link(
    raw: str | None, chain: Chain, diagnosis: ChainDiagnosis
) -> tuple[Link, LinkDiagnosis] | None:
    """The link named by ?link=<id>, if it is one of this chain's; anything else selects none."""
    try:
        link_id = int(raw or "")
    except ValueError:
        return None
    found = reports.link_diagnosis(diagnosis, link_id)
    link = chain.links.filter(pk=link_id).first()
    return (link, found) if link and found else None


def panel_context(chain: Chain, link: Link, diagnosis: LinkDiagnosis) -> dict[str, Any]:
    enterprises = local_enterprises(link)
    return {
        "link": link,
        "link_diagnosis": diagnosis,
        "link_status": _item(diagnosis),
        "enterprises": enterprises[: reports.PANEL_ENTERPRISES],
        "enterprise_total": enterprises.count(),
        "link_projects": reports.pipeline_projects(link),
    }


def fills(chain: Chain) -> list[dict[str, Any]]:
    """The chain's gaps that moved on, newest month first, from the monthly snapshots."""
    return [
        {
            "fill": fill,
            "from_label": reports.status_label(fill.from_status),
            "to_label": reports.status_label(fill.to_status),
            "to_tag": reports.STATUS_TAGS.get(fill.to_status, "info"),
        }
        for fill in reversed(gap_fills(chain))
    ]
