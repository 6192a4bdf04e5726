"""The project list's filters and paging for the web pages."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from chainvest.projects.models import Project
from chainvest.projects.queries import project_list

PAGE_SIZES = (10, 20, 50)


def _code(obj: Any) -> str | None:
    return obj.code if obj else None


def filter_projects(criteria: dict[str, Any]) -> QuerySet[Project]:
    """The search form's valid fields, passed to the one project query the API uses too."""
    event = criteria.get("event")
    return project_list(
        county=_code(criteria.get("county")),
        park=_code(criteria.get("park")),
        chain=_code(criteria.get("chain")),
        stage=criteria.get("stage") or None,
        event=event.pk if event else None,
        search=(criteria.get("name") or "").strip() or None,
    )


def page_size(value: Any) -> int:
    """One of the offered sizes; anything else falls back to the first (RuoYi opens at 10)."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def paginate(qs: QuerySet, page: Any, size: Any) -> Page:
    """The requested page; a page number past the end shows the last page."""
    return Paginator(qs, page_size(size)).get_page(page)
