"""The project list's filters and paging for the web pages (the API keeps its own queries)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from chainvest.projects.models import Project

PAGE_SIZES = (10, 20, 50)

# Search-form field → ORM lookup; the form has already turned codes into objects.
FILTER_LOOKUPS = {
    "county": "county",
    "park": "park",
    "chain": "chain",
    "stage": "stage",
    "event": "event",
}


def filter_projects(criteria: dict[str, Any]) -> QuerySet[Project]:
    """Active projects matching the search form's valid fields, newest signing first."""
    qs = Project.objects.active().with_relations()
    lookups = {
        lookup: criteria[field]
        for field, lookup in FILTER_LOOKUPS.items()
        if criteria.get(field) not in (None, "")
    }
    qs = qs.filter(**lookups)
    name = (criteria.get("name") or "").strip()
    if name:
        qs = qs.filter(name__icontains=name)
    return qs.order_by("-signed_date", "-id")


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
