"""Reads of the project pool, shared by the API and the web pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from chainvest.projects.models import FollowUp, Project, StageChange


def project_list(
    *,
    county: str | None = None,
    park: str | None = None,
    chain: str | None = None,
    stage: str | None = None,
    event: int | None = None,
    search: str | None = None,
    include_archived: bool = False,
) -> QuerySet[Project]:
    """Projects filtered by codes (county, park, chain), stage, event id and free text."""
    qs = Project.objects.with_relations()
    if not include_archived:
        qs = qs.active()
    filters = {
        "county__code": county,
        "park__code": park,
        "chain__code": chain,
        "stage": stage,
        "event_id": event,
    }
    qs = qs.filter(**{key: value for key, value in filters.items() if value not in (None, "")})
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(investor_name__icontains=search)
            | Q(investor__name__icontains=search)
        )
    return qs.order_by("-signed_date", "-id")


def project_detail(pk: int) -> Project | None:
    """One project with everything its page shows in the same query; None if unknown."""
    return Project.objects.with_relations().select_related("officer").filter(pk=pk).first()


def follow_ups(project: Project) -> QuerySet[FollowUp]:
    return project.follow_ups.select_related("author").order_by("-date", "-id")


def stage_changes(project: Project) -> QuerySet[StageChange]:
    return project.stage_changes.select_related("user").order_by("-at", "-id")
