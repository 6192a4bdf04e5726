"""Figures with their definitions and drill-downs, and the page that sets the 统计口径."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from chainvest.accounts.models import Role
from chainvest.accounts.permissions import can_write_counting_rules, require, role_of
from chainvest.events.models import Event
from chainvest.reports.alerts import (
    by_county,
    for_leaders,
    for_officer,
    needs_attention,
    project_alerts,
)
from chainvest.reports.briefing import event_report
from chainvest.reports.exports import (
    event_docx,
    event_xlsx,
    period_bounds,
    periodic_docx,
    periodic_xlsx,
)
from chainvest.reports.kpis import FIGURE_KEYS, Scope, kpi_figures, referrer_figures
from chainvest.reports.models import AlertRule, CountingRule
from chainvest.reports.services import update_alert_rule, update_counting_rule
from chainvest.web.forms_signing import AlertRuleForm, AsOfForm, CountingRuleForm, KpiFilterForm
from chainvest.web.views import crumbs, reader


def _figures(request: HttpRequest) -> tuple[KpiFilterForm, dict]:
    form = KpiFilterForm(request.GET or None)
    return form, kpi_figures(Scope(**form.scope_kwargs()), form.as_of_date())


@reader
def kpi_overview(request: HttpRequest) -> HttpResponse:
    form, figures = _figures(request)
    return render(
        request,
        "web/kpi_overview.html",
        {
            "menu": "kpis",
            "crumbs": crumbs(("统计口径与指标", None)),
            "form": form,
            "as_of": form.as_of_date(),
            "figures": [figures[k] for k in FIGURE_KEYS],
            "rule": CountingRule.current(),
            "query": request.GET.urlencode(),
        },
    )


@reader
def kpi_drill(request: HttpRequest, key: str) -> HttpResponse:
    if key not in FIGURE_KEYS:
        raise Http404("未知的指标")
    form, figures = _figures(request)
    figure = figures[key]
    return render(
        request,
        "web/kpi_drill.html",
        {
            "menu": "kpis",
            "crumbs": crumbs(
                ("统计口径与指标", reverse("web:kpis") + f"?{request.GET.urlencode()}"),
                (figure.label, None),
            ),
            "form": form,
            "as_of": form.as_of_date(),
            "figure": figure,
        },
    )


@reader
def counting_rule(request: HttpRequest) -> HttpResponse:
    rule = CountingRule.current()
    writable = can_write_counting_rules(request.user)
    if request.method == "POST":
        require(writable, "只有系统管理员和招商分析员可以修改统计口径")
    form = CountingRuleForm(request.POST or None, initial=CountingRuleForm.initial_for(rule))
    if request.method == "POST" and form.is_valid():
        try:
            update_counting_rule(request.user, form.service_data())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("web:counting_rule")
    if not writable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "web/counting_rule.html",
        {
            "menu": "kpis",
            "crumbs": crumbs(("统计口径与指标", reverse("web:kpis")), ("统计口径设置", None)),
            "form": form,
            "rule": rule,
            "can_write": writable,
        },
    )


@reader
def attention(request: HttpRequest) -> HttpResponse:
    """需关注项目: an officer's own list; for the bureau and leaders, by county and the red list."""
    alerts = project_alerts()
    county = request.GET.get("county")
    context = {
        "menu": "attention",
        "crumbs": crumbs(("需关注项目", None)),
        "is_officer": role_of(request.user) == Role.OFFICER,
        "mine": for_officer(alerts, request.user),
        "counties": by_county(alerts),
        "leaders": for_leaders(alerts),
        "rule": AlertRule.current(),
    }
    if county and county.isdigit():
        context["county_rows"] = [
            a for a in needs_attention(alerts) if a.project.county_id == int(county)
        ]
    return render(request, "web/attention.html", context)


@reader
def alert_rule(request: HttpRequest) -> HttpResponse:
    rule = AlertRule.current()
    writable = can_write_counting_rules(request.user)
    if request.method == "POST":
        require(writable, "只有系统管理员和招商分析员可以修改预警规则")
    initial = {name: getattr(rule, name) for name in AlertRuleForm.base_fields}
    form = AlertRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_alert_rule(request.user, form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("web:attention")
    if not writable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "web/alert_rule.html",
        {
            "menu": "attention",
            "crumbs": crumbs(("需关注项目", reverse("web:attention")), ("预警规则设置", None)),
            "form": form,
            "can_write": writable,
        },
    )


def _download(render_into, filename: str, content_type: str) -> HttpResponse:
    buffer = io.BytesIO()
    render_into(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@reader
def event_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """签约清单 (.xlsx) or 简报 (.docx) of one event, as of the page's date."""
    if fmt not in {"xlsx", "docx"}:
        raise Http404("只能导出 xlsx 或 docx")
    event = get_object_or_404(Event, pk=pk, archived=False)
    report = event_report(event, AsOfForm(request.GET or None).as_of_date())
    stamp = timezone.localtime().strftime("%Y%m%d_%H%M%S")
    if fmt == "docx":
        return _download(lambda out: event_docx(report, out), f"活动简报_{stamp}.docx", DOCX)
    return _download(lambda out: event_xlsx(report, out), f"签约清单_{stamp}.xlsx", XLSX)


def _period_download(request: HttpRequest, writer, name: str, content_type: str) -> HttpResponse:
    period = request.GET.get("period", "")
    try:
        period_bounds(period)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    ext = "xlsx" if content_type == XLSX else "docx"
    return _download(lambda out: writer(period, out), f"{name}_{period}.{ext}", content_type)


@reader
def periodic_report(request: HttpRequest) -> HttpResponse:
    """月度/季度报表 (.xlsx): ?period=2023-08 or 2023-Q3."""
    return _period_download(request, periodic_xlsx, "招商引资统计", XLSX)


@reader
def periodic_briefing(request: HttpRequest) -> HttpResponse:
    """月度/季度领导简报 (.docx): ?period=2023-08 or 2023-Q3."""
    return _period_download(request, periodic_docx, "招商引资简报", DOCX)


@reader
def referrals(request: HttpRequest) -> HttpResponse:
    """以商招商 ranking: count and amount each referrer brought, under the counting rule."""
    form = KpiFilterForm(request.GET or None)
    return render(
        request,
        "web/referrals.html",
        {
            "menu": "kpis",
            "crumbs": crumbs(("统计口径与指标", reverse("web:kpis")), ("以商招商", None)),
            "form": form,
            "as_of": form.as_of_date(),
            "rows": referrer_figures(Scope(**form.scope_kwargs()), form.as_of_date()),
        },
    )
