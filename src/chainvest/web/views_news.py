"""News review: paste a report, see the drafts beside the sentences they come from, accept one.

Drafts live only in the page: nothing is stored and nothing counts until a person accepts."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chainvest.accounts.permissions import can_create_project, can_write_events, require
from chainvest.engine.news import split_sentences, to_json
from chainvest.events.ingest import read_news
from chainvest.events.models import Event
from chainvest.events.services import accept_news_draft
from chainvest.web.views import crumbs, reader

MAX_TEXT = 100_000
NOT_ALLOWED = "只有管理员和分析员可以从新闻稿录入招商活动"


def _doc_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _page(request: HttpRequest, text: str, doc: str, errors: dict | None = None) -> HttpResponse:
    drafts, sentences = [], []
    if text.strip():
        result = to_json(read_news(text[:MAX_TEXT], _doc_date(doc)))
        cited = {s for ev in result["events"] for s in ev["evidence"]}
        cited |= {s for ev in result["events"] for p in ev["projects"] for s in p["evidence"]}
        cited |= {s for c in result["cumulative"] for s in c["evidence"]}
        sentences = [(s.text, s.text in cited) for s in split_sentences(text[:MAX_TEXT])]
        for ev in result["events"]:
            ev["recorded"] = list(Event.objects.same_signing(ev["name"], ev["date"])[:5])
            drafts.append(ev)
        cumulative = result["cumulative"]
    else:
        cumulative = []
    context = {
        "menu": "events",
        "crumbs": crumbs(("招商活动", reverse("web:events")), ("新闻稿导入", None)),
        "text": text,
        "doc": doc,
        "drafts": drafts,
        "cumulative": cumulative,
        "sentences": sentences,
        "errors": errors or {},
        "read": bool(text.strip()),
        # Projects land in a county: only those who may create them anywhere tick them here.
        "may_add_projects": can_create_project(request.user, None, None),
    }
    return render(request, "web/news_ingest.html", context, status=400 if errors else 200)


@reader
def news_ingest(request: HttpRequest) -> HttpResponse:
    require(can_write_events(request.user), NOT_ALLOWED)
    if request.method == "POST":
        return _page(request, request.POST.get("text", ""), request.POST.get("doc_date", ""))
    return _page(request, "", "")


def _ticked(request: HttpRequest) -> list[dict]:
    keys = ("company", "project", "location", "amount", "industry")
    return [
        {k: request.POST.get(f"p{i}_{k}", "") for k in keys}
        | {"evidence": request.POST.getlist(f"p{i}_evidence")}
        for i in request.POST.getlist("take")
    ]


@reader
@require_POST
def news_accept(request: HttpRequest) -> HttpResponse:
    require(can_write_events(request.user), NOT_ALLOWED)
    text = request.POST.get("text", "")[:MAX_TEXT]
    fields = {k: request.POST.get(k, "") for k in ("name", "date", "place", "organiser")}
    try:
        event = accept_news_draft(
            request.user, fields, text, request.POST.getlist("evidence"), _ticked(request)
        )
    except ValidationError as exc:
        errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        return _page(request, text, request.POST.get("doc_date", ""), errors)
    messages.success(request, f"已录入招商活动：{event.name}")
    return redirect("web:event", pk=event.pk)
