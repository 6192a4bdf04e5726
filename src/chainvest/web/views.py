"""The web pages: parse the request, call one query or service, render. Rules live elsewhere."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from chainvest.accounts.models import Role
from chainvest.accounts.permissions import (
    can_read,
    can_read_project,
    can_write_chains,
    can_write_events,
    can_write_project,
    readable_projects,
    require,
    role_of,
)
from chainvest.chains.diagnosis import diagnose_all, diagnose_chain
from chainvest.chains.models import Chain
from chainvest.events.models import Event
from chainvest.indicators.queries import indicator_rows
from chainvest.projects.models import STAGE_ORDER, Project
from chainvest.projects.services import (
    StageError,
    add_follow_up,
    create_project,
    transition_project,
    update_project,
)
from chainvest.reports import chains as chain_reports
from chainvest.reports.briefing import event_report
from chainvest.reports.kpis import Scope, counted_projects, county_ranking
from chainvest.reports.periodic import current_periods
from chainvest.reports.queries import event_figures, events_with_figures, summary
from chainvest.web import chain_map, charts, display, lists
from chainvest.web.event_extras import invitation_context
from chainvest.web.forms import FollowUpForm, ProjectFilterForm, ProjectForm, TransitionForm
from chainvest.web.forms_signing import AsOfForm
from chainvest.web.project_extras import project_extras


def reader(view):
    """Signed in and holding a role; everyone with a role reads the prefecture's records."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(can_read(request.user), "当前账号尚未分配角色，请联系系统管理员")
        return view(request, *args, **kwargs)

    return wrapped


def may_create(user: Any) -> bool:
    """Who sees 新增: the service still checks the county or park of what they submit."""
    return role_of(user) in {Role.ADMIN, Role.OFFICER}


def crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("首页", reverse("web:dashboard")), *items]


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET["year"])
    except (KeyError, ValueError):
        return charts.default_year()


@reader
def dashboard(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    # One counting of the signed projects for every figure and chart of the page.
    counted = counted_projects()
    kpi = summary(year, counted=counted)
    return render(
        request,
        "web/dashboard.html",
        {
            "menu": "dashboard",
            "crumbs": [("驾驶舱", None)],
            "year": year,
            "years": charts.year_choices(year),
            "kpi": kpi,
            "charts": charts.dashboard_charts(year, counted),
            "ranking": county_ranking(Scope(year=year), counted=counted),
            "rates": [kpi["figures"][k] for k in ("fulfilment", "start", "production", "funds")],
            "indicators": indicator_rows(year),
            "periods": current_periods(timezone.localdate()),
        },
    )


@reader
def chain_list(request: HttpRequest) -> HttpResponse:
    """The cluster view: every chain with its completeness and its links counted by status."""
    clusters = chain_reports.cluster_overview(diagnose_all())
    overview = chain_reports.overview_chart(clusters)
    overview["urls"] = [reverse("web:chain", args=[code]) for code in overview["codes"]]
    return render(
        request,
        "web/chain_list.html",
        {
            "menu": "chains",
            "crumbs": crumbs(("产业链", None)),
            "clusters": clusters,
            "statuses": [chain_reports.STATUS_LABELS[s] for s in chain_reports.STATUSES],
            "overview": overview,
            "may_edit": can_write_chains(request.user),
        },
    )


@reader
def chain_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The chain map (产业链图谱): the diagnosed graph, the link list and one link's panel."""
    chain = get_object_or_404(Chain.objects.with_cluster(), code=code)
    diagnosis = diagnose_chain(chain)
    projects = Project.objects.active().with_relations().filter(chain=chain)
    context = {
        "menu": "chains",
        "crumbs": crumbs(("产业链", reverse("web:chains")), (chain.name, None)),
        "chain": chain,
        "diagnosis": diagnosis,
        "tree": chain.link_tree(),
        "graph": charts.chain_map_graph(chain, diagnosis),
        "stages": chain_map.link_list(diagnosis),
        "counts": chain_map.legend(diagnosis),
        "fills": chain_map.fills(chain),
        "projects": projects,
        "may_edit": can_write_chains(request.user),
    }
    selected = chain_map.selected_link(request.GET.get("link"), chain, diagnosis)
    if selected:
        context.update(chain_map.panel_context(chain, *selected))
    return render(request, "web/chain_detail.html", context)


@reader
def project_list(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET or None)
    criteria = form.criteria() if request.GET else {}
    page = lists.paginate(
        readable_projects(request.user, lists.filter_projects(criteria)),
        request.GET.get("page"),
        request.GET.get("size"),
    )
    context = {
        "menu": "projects",
        "crumbs": crumbs(("项目库", None)),
        "form": form,
        "page": page,
        "size": lists.page_size(request.GET.get("size")),
        "sizes": lists.PAGE_SIZES,
        "may_create": may_create(request.user),
    }
    # The search form swaps only the table; a full load (or 重置) renders the page.
    partial = request.headers.get("HX-Target") == "project-table"
    template = "web/_project_table.html" if partial else "web/project_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _project_or_404(pk: int) -> Project:
    return get_object_or_404(Project.objects.with_relations().select_related("officer"), pk=pk)


@reader
def project_create(request: HttpRequest) -> HttpResponse:
    require(may_create(request.user), "只有系统管理员和招商专员可以新增项目")
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        confirm = data.pop("confirm_duplicate", False)
        try:
            project = create_project(request.user, data, confirm_duplicate=confirm)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("web:project", pk=project.pk)
    return render(
        request,
        "web/project_form.html",
        {
            "menu": "projects",
            "form": form,
            "title": "添加项目",
            "crumbs": crumbs(("项目库", reverse("web:projects")), ("添加项目", None)),
        },
    )


@reader
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(pk)
    require(can_write_project(request.user, project), "只能修改本县市/园区的项目")
    form = ProjectForm(
        request.POST or None, user=request.user, initial=ProjectForm.initial_for(project)
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data(only_changed=True)
        confirm = data.pop("confirm_duplicate", False)
        try:
            update_project(request.user, project, data, confirm_duplicate=confirm)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("web:project", pk=project.pk)
    return render(
        request,
        "web/project_form.html",
        {
            "menu": "projects",
            "form": form,
            "title": "修改项目",
            "project": project,
            "crumbs": crumbs(
                ("项目库", reverse("web:projects")),
                (project.name, reverse("web:project", args=[pk])),
                ("修改", None),
            ),
        },
    )


def _project_page(
    request: HttpRequest, project: Project, status: int = 200, **forms: Any
) -> HttpResponse:
    writable = can_write_project(request.user, project)
    context = {
        "menu": "projects",
        "project": project,
        "can_write": writable,
        "crumbs": crumbs(("项目库", reverse("web:projects")), (project.name, None)),
        "steps": display.stage_steps(project),
        "follow_ups": project.follow_ups.select_related("author__profile"),
        "stage_changes": project.stage_changes.select_related("user__profile"),
        "history": display.history_rows(project),
        "tab": forms.pop("tab", "follow-ups"),
    }
    context.update(project_extras(request.user, project, writable, forms))
    if writable:
        context["transition_form"] = forms.get("transition_form") or TransitionForm(
            project=project, initial={"to_stage": _next_stage(project)}
        )
        context["follow_up_form"] = forms.get("follow_up_form") or FollowUpForm()
    return render(request, "web/project_detail.html", context, status=status)


def _next_stage(project: Project) -> str | None:
    if project.stage not in STAGE_ORDER or project.stage == STAGE_ORDER[-1]:
        return None
    return STAGE_ORDER[STAGE_ORDER.index(project.stage) + 1].value


@reader
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(pk)
    require(can_read_project(request.user, project), "只能查看本县市/园区的项目")
    return _project_page(request, project)


@reader
@require_POST
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(pk)
    require(can_write_project(request.user, project), "只能变更本县市/园区项目的阶段")
    form = TransitionForm(request.POST, project=project)
    if form.is_valid():
        data = form.cleaned_data
        try:
            transition_project(
                request.user,
                project,
                data["to_stage"],
                form.dates(),
                reason=data["reason"],
                correction=data["correction"],
            )
        except StageError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("web:project", pk=project.pk)
    return _project_page(request, project, transition_form=form)


@reader
@require_POST
def project_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(pk)
    require(can_write_project(request.user, project), "只能为本县市/园区的项目添加跟进记录")
    form = FollowUpForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            add_follow_up(
                request.user,
                project,
                data["date"],
                data["note"],
                data["next_step"],
                data["due_date"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect(reverse("web:project", args=[project.pk]) + "#follow-ups")
    return _project_page(request, project, follow_up_form=form)


@reader
def event_list(request: HttpRequest) -> HttpResponse:
    year = _year(request) if request.GET.get("year") else None
    return render(
        request,
        "web/event_list.html",
        {
            "menu": "events",
            "crumbs": crumbs(("招商活动", None)),
            "year": year,
            "years": charts.year_choices(year or charts.default_year()),
            "rows": events_with_figures(year),
            "may_import_news": can_write_events(request.user),
            "plan_year": year or charts.default_year(),
        },
    )


@reader
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("organiser"), pk=pk, archived=False)
    form = AsOfForm(request.GET or None)
    report = event_report(event, form.as_of_date())
    return render(
        request,
        "web/event_detail.html",
        {
            "menu": "events",
            "event": event,
            "figures": event_figures(event),
            "report": report,
            "as_of_form": form,
            "crumbs": crumbs(("招商活动", reverse("web:events")), (event.name, None)),
            **invitation_context(request, event, report.figures["signed"].rows),
        },
    )
