"""精准招商 pages: a link's ranked targets (page, chain-map partial, xlsx) and the one-click
conversion of a target into an engagement or a lead."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chainvest.accounts.models import Role
from chainvest.accounts.permissions import can_convert_target, require, role_of
from chainvest.chains.growth import where_to_grow
from chainvest.chains.models import Link
from chainvest.chains.targeting import rank_targets
from chainvest.chains.targeting_export import targets_xlsx
from chainvest.chains.targeting_services import KINDS, convert_target, home_counties
from chainvest.engine.growth import PART_LABELS as GROWTH_LABELS
from chainvest.engine.growth import PARTS as GROWTH_PARTS
from chainvest.engine.targeting import PART_LABELS, PARTS
from chainvest.enterprises.models import Enterprise
from chainvest.regions.models import Region
from chainvest.web.views import crumbs, reader

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_TOP = 50
PANEL_TOP = 10


def _link(link_id: int) -> Link:
    return get_object_or_404(Link.objects.select_related("chain", "chain__cluster"), pk=link_id)


def _convert_options(user) -> dict:
    """What the conversion form offers this user: nothing for read-only roles."""
    role = role_of(user)
    if role == Role.OFFICER:
        county = user.profile.county
        return {"can_convert": county is not None, "counties": [county] if county else []}
    if role in {Role.ADMIN, Role.ANALYST}:
        return {"can_convert": True, "counties": list(home_counties())}
    return {"can_convert": False, "counties": []}


def _context(request: HttpRequest, link: Link, top: int) -> dict:
    result = rank_targets(link, top=top)
    return {
        "link": link,
        "result": result,
        "parts": [(p, PART_LABELS[p], result.weights[p]) for p in PARTS],
        "kinds": KINDS,
        **_convert_options(request.user),
    }


@reader
def link_targets(request: HttpRequest, link_id: int) -> HttpResponse:
    link = _link(link_id)
    context = _context(request, link, PAGE_TOP)
    context |= {
        "menu": "chains",
        "crumbs": crumbs(
            ("产业链", reverse("web:chains")),
            (link.chain.name, reverse("web:chain", args=[link.chain.code])),
            (f"{link.name} · 招商目标", None),
        ),
    }
    return render(request, "web/targets.html", context)


@reader
def link_targets_panel(request: HttpRequest, link_id: int) -> HttpResponse:
    """The chain map's 最佳招商目标 section (htmx partial)."""
    link = _link(link_id)
    context = _context(request, link, PANEL_TOP) | {"compact": True}
    return render(request, "web/_targets_table.html", context)


@reader
def link_targets_xlsx(request: HttpRequest, link_id: int) -> FileResponse:
    link = _link(link_id)
    data = targets_xlsx(rank_targets(link, top=PAGE_TOP), timezone.localtime())
    name = f"{link.chain.name}_{link.name}_招商目标_{timezone.localtime():%Y%m%d_%H%M%S}.xlsx"
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=XLSX)


def _officer(value: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=value).first() if value.isdigit() else None


@require_POST
@reader
def target_convert(request: HttpRequest, link_id: int, enterprise_id: int) -> HttpResponse:
    """One click: the target becomes an engagement or a lead; answers with the row's new cell."""
    link = _link(link_id)
    enterprise = get_object_or_404(Enterprise, pk=enterprise_id)
    county = Region.objects.filter(pk=request.POST.get("county") or 0).first()
    if role_of(request.user) == Role.OFFICER:
        county = county or request.user.profile.county
    require(can_convert_target(request.user, county.pk if county else None), "只能为本县市转化")
    target = next(
        (t for t in rank_targets(link, top=200).targets if t.enterprise_id == enterprise_id), None
    )
    try:
        record = convert_target(
            request.user,
            enterprise,
            link,
            request.POST.get("kind", ""),
            county,
            _officer(request.POST.get("officer", "")),
            target.score if target else None,
            target.reasons if target else [],
        )
    except ValidationError as exc:
        errors = "；".join(m for ms in exc.message_dict.values() for m in ms)
        return render(request, "web/_target_converted.html", {"error": errors}, status=400)
    return render(request, "web/_target_converted.html", {"record": record})


def _growth_points(rows) -> dict:
    """The scatter's series: presence (RCA) against fit (density), one series per status."""

    def point(r):
        return {
            "value": [r.density, r.rca],
            "name": f"{r.chain} · {r.name}",
            "score": r.score,
            "rank": r.rank,
            "url": reverse("web:link_targets", args=[r.link_id]),
        }

    return {
        "absent": [point(r) for r in rows if not r.present],
        "present": [point(r) for r in rows if r.present],
    }


@reader
def growth_page(request: HttpRequest) -> HttpResponse:
    """建链/延链/扩群: the links the prefecture lacks, by fit, value, weight and demand."""
    rows, weights = where_to_grow()
    context = {
        "menu": "chains",
        "crumbs": crumbs(("产业链", reverse("web:chains")), ("发展方向（建链/延链）", None)),
        "rows": rows,
        "absent": [r for r in rows if not r.present],
        "present": [r for r in rows if r.present],
        "parts": [(p, GROWTH_LABELS[p], weights[p]) for p in GROWTH_PARTS],
        "points": _growth_points(rows),
    }
    return render(request, "web/growth.html", context)
