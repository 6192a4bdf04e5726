"""Data for the dashboard and chain charts, every number derived from the records."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from chainvest.chains.models import Chain, Stage
from chainvest.events.models import Event
from chainvest.indicators.queries import indicator_chart, indicator_rows
from chainvest.projects.models import Project
from chainvest.reports.chains import STATUS_COLOURS, STATUS_LABELS, STATUSES
from chainvest.reports.kpis import CountedAndLeftOut, Scope, stage_funnel
from chainvest.reports.places import place_figures
from chainvest.reports.queries import breakdown, monthly, signed_projects

STAGE_COLUMNS = {Stage.UPSTREAM: 0, Stage.MIDSTREAM: 1, Stage.DOWNSTREAM: 2}


def default_year() -> int:
    """The latest year with an event: the campaign a leader most likely wants to see."""
    latest = Event.objects.filter(archived=False).aggregate(last=Max("date"))["last"]
    return latest.year if latest else timezone.localdate().year


def year_choices(selected: int) -> list[int]:
    """Years that have events or signings, newest first, always including the selected one."""
    years = {d.year for d in Event.objects.filter(archived=False).dates("date", "year")}
    years |= {d.year for d in Project.objects.signed().dates("signed_date", "year")}
    years |= {selected, timezone.localdate().year}
    return sorted(years, reverse=True)


def signing_units(projects: Any) -> list[dict]:
    """Signings by the unit that signed: the park where there is one, else the county."""
    rows = breakdown(projects.filter(park__isnull=True), "county_id", "county__name")
    rows += breakdown(projects.filter(park__isnull=False), "park_id", "park__short_name")
    return sorted(rows, key=lambda r: (-r["investment_yi"], -r["count"], r["label"]))


def dashboard_charts(year: int, counted: CountedAndLeftOut | None = None) -> dict[str, Any]:
    projects = signed_projects(year, counted=counted)
    return {
        "units": signing_units(projects),
        "chains": breakdown(projects, "chain_id", "chain__name"),
        "months": monthly(projects),
        "funnel": stage_funnel(Scope(year=year), counted=counted),
        "places": place_points(year, counted),
        "indicators": indicator_chart(indicator_rows(year)),
    }


def chain_graph(chain: Chain) -> dict[str, list[dict]]:
    """Links placed in 上游/中游/下游 columns; edges are the flows (Link.feeds, kind "flow")
    and the tree (parent → sub-link, kind "tree"), so a sub-link never floats unconnected."""
    links = list(chain.links.order_by("order", "id").prefetch_related("feeds"))
    rows_used = {column: 0 for column in STAGE_COLUMNS.values()}
    nodes = []
    for link in links:
        column = STAGE_COLUMNS.get(link.stage, 1)
        nodes.append(
            {
                "id": str(link.id),
                "name": link.name,
                "stage": link.get_stage_display(),
                "category": column,
                "x": column * 300,
                "y": rows_used[column] * 90,
            }
        )
        rows_used[column] += 1
    ids = {link.id for link in links}
    flows = [
        {"source": str(link.id), "target": str(target.id), "kind": "flow"}
        for link in links
        for target in link.feeds.all()
        if target.id in ids
    ]
    tree = [
        {"source": str(link.parent_id), "target": str(link.id), "kind": "tree"}
        for link in links
        if link.parent_id in ids
    ]
    return {"nodes": nodes, "edges": flows + tree, "stages": [label for _, label in Stage.choices]}


def node_size(local_count: int) -> int:
    """Symbol size grows with the square root of the local enterprises, so one giant link
    does not dwarf the chain; a link with none keeps a size that is still easy to click."""
    return min(56, 18 + round(6 * local_count**0.5))


def _widen(nodes: list[dict]) -> None:
    """Spread the three columns to about the chart's landscape shape: ECharts keeps the
    graph's aspect ratio, so a tall narrow graph would leave most of the chart empty."""
    height = max((node["y"] for node in nodes), default=0)
    spread = max(1.0, height / 300)
    for node in nodes:
        node["x"] = round(node["x"] * spread)


def chain_map_graph(chain: Chain, diagnosis: Any) -> dict[str, Any]:
    """The chain graph with each link coloured by its diagnosed status and sized by presence."""
    graph = chain_graph(chain)
    _widen(graph["nodes"])
    by_link = {str(link.link_id): link for link in diagnosis.links}
    for node in graph["nodes"]:
        link = by_link.get(node["id"])
        status = link.status if link else ""
        node.update(
            status=status,
            statusLabel=STATUS_LABELS.get(status, "未诊断"),
            localCount=link.local_count if link else 0,
            action=link.action if link else "",
            size=node_size(link.local_count if link else 0),
            url=reverse("web:chain_link", args=[chain.code, int(node["id"])]),
        )
    graph["statuses"] = [
        {"status": s, "name": STATUS_LABELS[s], "color": STATUS_COLOURS[s]} for s in STATUSES
    ]
    return graph


def _spread(points: list[dict]) -> None:
    """Parks often sit at their county seat's coordinates: nudge each later point sharing a
    position a little to the south-east so every one stays clickable (the map is schematic)."""
    seen: dict[tuple[float, float], int] = {}
    for point in points:
        key = (point["lon"], point["lat"])
        n = seen.get(key, 0)
        seen[key] = n + 1
        point["x"] = round(point["lon"] + 0.14 * n, 3)
        point["y"] = round(point["lat"] - 0.09 * n, 3)


def place_points(year: int, counted: CountedAndLeftOut | None = None) -> list[dict]:
    """The schematic map's points: position, figures from the records and a project-list link."""
    points = []
    for p in place_figures(Scope(year=year), counted=counted):
        query = "county" if p.kind == "county" else "park"
        points.append(
            {
                "name": p.name,
                "kind": "县市" if p.kind == "county" else "园区",
                "lon": p.longitude,
                "lat": p.latitude,
                "signed": p.signed,
                "investment_yi": float(p.investment_wan / 10000),
                "investment": p.investment_text,
                "landing": p.landing,
                "landingPct": p.landing_pct,
                "level": p.level,
                "flagged": p.flagged,
                "levelLabel": p.level_label,
                "url": f"{reverse('web:projects')}?{query}={p.code}",
            }
        )
    _spread(points)
    return points
