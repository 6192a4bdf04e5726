"""The enterprise profile (企业画像) and the merge queue of suspected duplicates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chainvest.accounts.permissions import can_write_enterprises
from chainvest.chains.models import Link
from chainvest.enterprises import queries
from chainvest.enterprises.classification import exclude_from_link, lift_exclusion
from chainvest.enterprises.models import (
    DuplicateCandidate,
    DuplicateReason,
    Enterprise,
    MergeRecord,
)
from chainvest.enterprises.services import (
    can_merge,
    dismiss_candidate,
    link_branch,
    merge_enterprises,
    undo_merge,
)
from chainvest.web.display import history_rows
from chainvest.web.views import crumbs, reader

QUEUE_PAGE_SIZE = 20


def _queue_crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return crumbs(("疑似重复企业", reverse("web:enterprise_duplicates") if items else None), *items)


def _graph(enterprise: Enterprise, relations: list) -> dict[str, Any]:
    graph = queries.relation_graph(enterprise, relations)
    for node in graph["nodes"]:
        node["url"] = reverse("web:enterprise_profile", args=[int(node["id"])])
    return graph


@reader
def enterprise_profile(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        enterprise = queries.profile_enterprise(pk)
    except Enterprise.DoesNotExist as exc:
        raise Http404("企业不存在") from exc
    relations = queries.relations_of(enterprise)
    context = {
        "menu": "enterprises",
        "crumbs": crumbs(("企业画像", None), (enterprise.name, None)),
        "enterprise": enterprise,
        "region_path": queries.region_path(enterprise),
        "industry_path": queries.industry_path(enterprise),
        "links": queries.links_of(enterprise),
        "exclusions": queries.exclusions_of(enterprise),
        "can_curate": can_write_enterprises(request.user),
        "relations": relations,
        "graph": _graph(enterprise, relations),
        "engagements": queries.engagements_of(enterprise),
        "projects": queries.projects_of(enterprise),
        "merges": queries.merges_into(enterprise),
        "merge_record": queries.open_merge_of(enterprise) if enterprise.merged_into_id else None,
        "history": history_rows(enterprise, queries.HISTORY_NOISE),
        "can_merge": can_merge(request.user),
    }
    return render(request, "web/profile_detail.html", context)


def _back_to_links(pk: int) -> HttpResponse:
    return redirect(reverse("web:enterprise_profile", args=[pk]) + "#links")


@reader
@require_POST
def enterprise_link_exclude(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    link = get_object_or_404(Link, pk=link_id)
    exclude_from_link(request.user, enterprise, link, request.POST.get("note", ""))
    messages.success(request, f"已人工排除环节“{link.name}”，重新分类不会再归入")
    return _back_to_links(pk)


@reader
@require_POST
def enterprise_link_lift(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    link = get_object_or_404(Link, pk=link_id)
    lift_exclusion(request.user, enterprise, link)
    messages.success(request, f"已撤销对环节“{link.name}”的排除，下次分类时重新判断")
    return _back_to_links(pk)


@reader
def enterprise_duplicates(request: HttpRequest) -> HttpResponse:
    reason = request.GET.get("reason") or None
    if reason not in DuplicateReason.values:
        reason = None
    page = Paginator(queries.open_candidates(reason), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "menu": "enterprise_duplicates",
        "crumbs": _queue_crumbs(),
        "page": page,
        "entries": queries.queue_entries(list(page.object_list)),
        "reason": reason,
        "reasons": DuplicateReason.choices,
        "merges": queries.recent_merges(),
        "can_merge": can_merge(request.user),
    }
    return render(request, "web/merge_queue.html", context)


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    # Only a path on this site (the form's own page) — never an outside address.
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = reverse("web:enterprise_duplicates")
    return redirect(target)


def _run(request: HttpRequest, action: Any, success: str) -> HttpResponse:
    """Call one service; its refusal (ValidationError) becomes a message on the queue page."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, success)
    return _back_to_queue(request)


@reader
@require_POST
def enterprise_merge(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(
        DuplicateCandidate.objects.select_related("first", "second"), pk=pk
    )
    sides = {str(candidate.first_id): candidate.first, str(candidate.second_id): candidate.second}
    survivor = sides.get(request.POST.get("survivor", ""))
    if survivor is None:
        messages.error(request, "请选择保留的企业")
        return _back_to_queue(request)
    merged = candidate.second if survivor == candidate.first else candidate.first
    return _run(
        request,
        lambda: merge_enterprises(request.user, survivor, merged, candidate),
        f"已将“{merged.name}”合并到“{survivor.name}”",
    )


@reader
@require_POST
def enterprise_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(DuplicateCandidate, pk=pk)
    return _run(request, lambda: dismiss_candidate(request.user, candidate), "已标记为非重复")


@reader
@require_POST
def enterprise_link_branch(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(
        DuplicateCandidate.objects.select_related("first", "second"), pk=pk
    )
    return _run(request, lambda: link_branch(request.user, candidate), "已设为分支机构")


@reader
@require_POST
def enterprise_merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(MergeRecord.objects.select_related("merged"), pk=pk)
    return _run(
        request,
        lambda: undo_merge(request.user, record),
        f"已撤销合并，“{record.merged.name}”已恢复",
    )
