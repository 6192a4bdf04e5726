"""一月一主题 (the yearly plan of themed monthly events) and each event's invitation list.

Everyone with a role reads; analysts and admins edit the plan and the list (htmx partials);
an officer updates the invitations they are responsible for."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chainvest.accounts.permissions import (
    can_update_invitation,
    can_write_event_plan,
    can_write_invitations,
    require,
)
from chainvest.events import invitation_services as inv
from chainvest.events.models import Event, EventPlan, Invitation, PlanMonth
from chainvest.events.services import (
    cancel_month,
    create_event_plan,
    mark_month_held,
    set_month_theme,
)
from chainvest.reports.exports import invitations_xlsx
from chainvest.reports.queries import PlanMonthRow, event_figures, invitation_outcome, plan_months
from chainvest.web.event_extras import invitation_context, signing_rows
from chainvest.web.forms_events import (
    CancelForm,
    HeldForm,
    InvitationUpdateForm,
    InviteeForm,
    InviteTargetsForm,
    MonthForm,
    PlanCreateForm,
)
from chainvest.web.views import crumbs, reader

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_WRITE = "只有管理员和分析员可以修改年度活动计划"


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _failed(request: HttpRequest) -> int:
    """htmx swaps only 2xx answers: a form shown again with its errors is 200 to htmx."""
    return 200 if _htmx(request) else 400


# --- the yearly plan ------------------------------------------------------------------------


def plan_of(year: int) -> EventPlan | None:
    """The year's plan: the home prefecture's when there is one, else the first recorded."""
    plans = EventPlan.objects.filter(year=year).select_related("owner")
    home = plans.filter(owner__code=settings.HOME_REGION_CODE).first()
    return home or plans.order_by("pk").first()


def _month(year: int, month: int) -> PlanMonth:
    plan = plan_of(year)
    if plan is None or not 1 <= month <= 12:
        raise Http404("没有该月的活动计划")
    return plan.months.select_related("plan", "event").get(month=month)


def _cell(request: HttpRequest, month: PlanMonth, **extra) -> HttpResponse:
    figures = event_figures(month.event) if month.event_id else None
    context = {"row": PlanMonthRow(month, figures), "may_edit": can_write_event_plan(request.user)}
    return render(request, "web/_plan_month.html", context | extra)


def _month_form(request, month, status=200, **forms) -> HttpResponse:
    initial = {
        "theme": month.theme,
        "chains": list(month.chains.all()),
        "clusters": list(month.clusters.all()),
        "host_county": month.host_county,
        "host_park": month.host_park,
        "planned_date": month.planned_date,
        "status": month.status,
    }
    context = {
        "month": month,
        "form": forms.get("form") or MonthForm(initial=initial),
        "held_form": forms.get("held_form") or HeldForm(month.plan.year),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
    }
    return render(request, "web/_plan_month_form.html", context, status=status)


@reader
def event_plan(request: HttpRequest, year: int) -> HttpResponse:
    """The twelve months as a grid; POST creates the year's plan (analysts and admins)."""
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST":
        require(can_write_event_plan(request.user), PLAN_WRITE)
        if form.is_valid():
            data = form.cleaned_data
            try:
                create_event_plan(request.user, year, data["owner"], data["title"])
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                return redirect("web:event_plan", year=year)
    plan = plan_of(year)
    context = {
        "menu": "events",
        "crumbs": crumbs(("招商活动", reverse("web:events")), (f"{year}年活动计划", None)),
        "year": year,
        "plan": plan,
        "rows": plan_months(plan) if plan else [],
        "may_edit": can_write_event_plan(request.user),
        "create_form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "web/event_plan.html", context, status=status)


@reader
def plan_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """One month's cell (htmx: what 取消编辑 swaps back)."""
    return _cell(request, _month(year, month))


@reader
def plan_month_edit(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """GET: the month's inline form; POST: set theme, chains, host, date and open status."""
    require(can_write_event_plan(request.user), PLAN_WRITE)
    slot = _month(year, month)
    if request.method != "POST":
        return _month_form(request, slot)
    form = MonthForm(request.POST)
    if form.is_valid():
        try:
            set_month_theme(request.user, slot, form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return _done(request, slot)
    slot.refresh_from_db()
    return _month_form(request, slot, _failed(request), form=form)


def _done(request: HttpRequest, slot: PlanMonth) -> HttpResponse:
    if _htmx(request):
        return _cell(request, PlanMonth.objects.select_related("plan", "event").get(pk=slot.pk))
    return redirect(reverse("web:event_plan", args=[slot.plan.year]) + f"#month-{slot.month}")


@require_POST
@reader
def plan_month_held(request: HttpRequest, year: int, month: int) -> HttpResponse:
    require(can_write_event_plan(request.user), PLAN_WRITE)
    slot = _month(year, month)
    form = HeldForm(year, request.POST)
    if form.is_valid():
        try:
            mark_month_held(request.user, slot, form.cleaned_data["event"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return _done(request, slot)
    slot.refresh_from_db()
    return _month_form(request, slot, _failed(request), held_form=form)


@require_POST
@reader
def plan_month_cancel(request: HttpRequest, year: int, month: int) -> HttpResponse:
    require(can_write_event_plan(request.user), PLAN_WRITE)
    slot = _month(year, month)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            cancel_month(request.user, slot, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return _done(request, slot)
    slot.refresh_from_db()
    return _month_form(request, slot, _failed(request), cancel_form=form)


# --- invitation lists -----------------------------------------------------------------------


def _section(request, event, status=200, **extra) -> HttpResponse:
    context = invitation_context(request, event, **extra)
    if _htmx(request) or status != 200:
        return render(request, "web/_invitations.html", context, status=status)
    return redirect(reverse("web:event", args=[event.pk]) + "#invitations")


def _event(pk: int) -> Event:
    return get_object_or_404(Event, pk=pk, archived=False)


def _errors(exc: ValidationError) -> str:
    return "；".join(m for ms in exc.message_dict.values() for m in ms)


@require_POST
@reader
def invite_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the best targets of the theme chains' missing and weak links are invited."""
    event = _event(pk)
    require(can_write_invitations(request.user), "只有管理员和分析员可以生成邀请名单")
    form = InviteTargetsForm(request.POST)
    if not form.is_valid():
        return _section(request, event, _failed(request), targets_form=form)
    try:
        result = inv.invite_targets(request.user, event, form.cleaned_data["top"])
    except ValidationError as exc:
        return _section(request, event, _failed(request), error=_errors(exc), targets_form=form)
    return _section(request, event, message=result.message)


@require_POST
@reader
def invitee_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    require(can_write_invitations(request.user), "只有管理员和分析员可以修改邀请名单")
    form = InviteeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            inv.add_invitee(
                request.user, event, form.enterprise_record(), data["reason"], data["officer"]
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return _section(request, event, message=f"已加入邀请名单：{data['enterprise']}")
    return _section(request, event, _failed(request), invitee_form=form)


def _invitation(pk: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("event", "enterprise"), pk=pk, event__archived=False
    )


@require_POST
@reader
def invitation_update(request: HttpRequest, pk: int) -> HttpResponse:
    """A new status (the responsible officer may) or officer (analysts and admins)."""
    invitation = _invitation(pk)
    require(can_update_invitation(request.user, invitation), "只能更新本人负责的邀请")
    form = InvitationUpdateForm(request.POST)
    if not form.is_valid():
        return _section(request, invitation.event, _failed(request), error=_form_errors(form))
    fields = {"status": form.cleaned_data["status"]} if form.cleaned_data["status"] else {}
    if "officer" in request.POST:  # the service refuses it to anyone but the bureau
        fields["officer"] = form.cleaned_data["officer"]
    try:
        inv.update_invitation(request.user, invitation, fields)
    except ValidationError as exc:
        return _section(request, invitation.event, _failed(request), error=_errors(exc))
    return _section(request, invitation.event, message=f"已更新：{invitation.enterprise.name}")


def _form_errors(form) -> str:
    return "；".join(f"{form.fields[k].label}：{''.join(v)}" for k, v in form.errors.items())


@require_POST
@reader
def invitation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(pk)
    require(can_write_invitations(request.user), "只有管理员和分析员可以修改邀请名单")
    event, name = invitation.event, invitation.enterprise.name
    inv.remove_invitation(request.user, invitation)
    return _section(request, event, message=f"已移出邀请名单：{name}")


@reader
def invitations_export(request: HttpRequest, pk: int) -> FileResponse:
    event = _event(pk)
    out = io.BytesIO()
    invitations_xlsx(event, invitation_outcome(event, signing_rows(event)), out)
    out.seek(0)
    name = f"{event.name}_邀请名单.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)
