"""/api/projects: the project pool; writes go through projects.services, which check roles."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Status
from ninja.errors import HttpError

from chainvest.accounts.permissions import can_read_project, readable_projects, require
from chainvest.api import serialize
from chainvest.api.schemas import (
    MAX_ID,
    READ_ERRORS,
    ErrorOut,
    FollowUpIn,
    FollowUpOut,
    InSchema,
    ProjectDetailOut,
    ProjectIn,
    ProjectPage,
    ProjectPatch,
    TransitionIn,
    TransitionOut,
    id_in_path,
)
from chainvest.chains.models import Chain, Link
from chainvest.events.models import Event
from chainvest.projects import queries, services
from chainvest.projects.models import Project, ProjectStage
from chainvest.regions.models import Park, Region

router = Router(tags=["招商项目"])
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# A null for these means "clear it"; a null name is left for the model to refuse.
BLANKABLE_TEXT = {"investor_name", "industry", "description", "responsible_unit", "liaison_leader"}
MAX_PAGE = 500

# API field → (model, lookup field, model field the service takes, error message).
REFERENCES = {
    "county": (Region, "code", "county_id", "未知的县市代码：{}"),
    "park": (Park, "code", "park_id", "未知的园区代码：{}"),
    "chain": (Chain, "code", "chain_id", "未知的产业链代码：{}"),
    "link": (Link, "pk", "link_id", "未知的环节：{}"),
    "event": (Event, "pk", "event_id", "未知的签约活动：{}"),
}


class ProjectFilters(InSchema):
    county: str | None = None
    park: str | None = None
    chain: str | None = None
    stage: str | None = None
    event: int | None = Field(None, ge=1, le=MAX_ID)
    search: str | None = None
    limit: int = Field(100, le=MAX_ID)  # out-of-range pages are clamped below
    offset: int = Field(0, le=MAX_ID)


def to_service_data(fields: dict[str, Any]) -> dict[str, Any]:
    """Codes and ids from the request → the *_id values the service expects; unknown ones → 400."""
    data, errors = {}, {}
    for name, value in fields.items():
        if name not in REFERENCES:
            data[name] = "" if value is None and name in BLANKABLE_TEXT else value
            continue
        model, lookup, target, message = REFERENCES[name]
        if value is None or value == "":
            data[target] = None
            continue
        found = model.objects.filter(**{lookup: value}).values_list("pk", flat=True).first()
        if found is None:
            errors[name] = [message.format(value)]
        data[target] = found
    if errors:
        raise ValidationError(errors)
    return data


def get_project(project_id: int) -> Project:
    project = queries.project_detail(project_id)
    if project is None:
        raise HttpError(404, f"项目不存在：{project_id}")
    return project


def detail(project: Project) -> dict:
    fresh = get_project(project.pk)
    out = serialize.project(fresh)
    out["stage_changes"] = [serialize.stage_change(c) for c in queries.stage_changes(fresh)]
    out["follow_ups"] = [serialize.follow_up(f) for f in queries.follow_ups(fresh)]
    return out


@router.get("", response={200: ProjectPage, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut})
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]):
    """项目库：按县市、园区、产业链代码，阶段和签约活动筛选，limit/offset 分页。"""
    if filters.stage and filters.stage not in ProjectStage.values:
        raise ValidationError({"stage": f"未知的项目阶段：{filters.stage}"})
    limit, offset = min(max(filters.limit, 1), MAX_PAGE), max(filters.offset, 0)
    qs = readable_projects(
        request.auth, queries.project_list(**filters.model_dump(exclude={"limit", "offset"}))
    )
    items = [serialize.project(p) for p in qs[offset : offset + limit]]
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": items}


@router.post("", response={201: ProjectDetailOut, **WRITE_ERRORS})
def create_project(request: HttpRequest, payload: ProjectIn):
    """新增项目（从“线索”阶段开始）；专员只能在本县市/园区新增。"""
    data = to_service_data(payload.model_dump())
    project = services.create_project(request.auth, data)
    return Status(201, detail(project))


@router.get("/{project_id}", response={200: ProjectDetailOut, **READ_ERRORS})
def read_project(request: HttpRequest, project_id: int = id_in_path()):
    """项目详情，含阶段变更和跟进记录。"""
    project = get_project(project_id)
    require(can_read_project(request.auth, project), "只能查看本县市/园区的项目")
    return detail(project)


@router.patch("/{project_id}", response={200: ProjectDetailOut, **WRITE_ERRORS})
def update_project(request: HttpRequest, payload: ProjectPatch, project_id: int = id_in_path()):
    """修改项目信息（只改请求中出现的字段）；阶段请用 transition。"""
    project = get_project(project_id)
    data = to_service_data(payload.model_dump(exclude_unset=True))
    return detail(services.update_project(request.auth, project, data))


@router.post("/{project_id}/transition", response={200: TransitionOut, **WRITE_ERRORS})
def transition_project(request: HttpRequest, payload: TransitionIn, project_id: int = id_in_path()):
    """推进、终止或更正项目阶段；向前推进须填写所经过各阶段的日期。"""
    project = get_project(project_id)
    unknown = sorted(set(payload.dates) - set(ProjectStage.values))
    if unknown:
        raise ValidationError({"dates": [f"未知的阶段：{s}" for s in unknown]})
    change = services.transition_project(
        request.auth, project, payload.to_stage, payload.dates, payload.reason, payload.correction
    )
    return {
        "project": serialize.project(get_project(project_id)),
        "change": serialize.stage_change(change),
    }


@router.get(
    "/{project_id}/follow-ups",
    response={200: list[FollowUpOut], **READ_ERRORS},
)
def list_follow_ups(request: HttpRequest, project_id: int = id_in_path()):
    """项目的跟进记录，最新在前。"""
    return [serialize.follow_up(f) for f in queries.follow_ups(get_project(project_id))]


@router.post("/{project_id}/follow-ups", response={201: FollowUpOut, **WRITE_ERRORS})
def add_follow_up(request: HttpRequest, payload: FollowUpIn, project_id: int = id_in_path()):
    """添加跟进记录：进展、下一步和完成时限。"""
    project = get_project(project_id)
    follow_up = services.add_follow_up(
        request.auth,
        project,
        payload.date or timezone.localdate(),
        payload.note,
        payload.next_step,
        payload.due_date,
    )
    return Status(201, serialize.follow_up(follow_up))
