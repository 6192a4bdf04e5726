"""经济指标: the list of figures with their sources, one-figure entry and file import."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chainvest.accounts.permissions import can_write_indicators, require
from chainvest.indicators.models import UNITS, EconomicIndicator, Indicator
from chainvest.indicators.services import FORBIDDEN, import_indicators, record_indicator
from chainvest.web.forms_indicators import IndicatorForm, IndicatorImportForm
from chainvest.web.views import crumbs, reader

MAX_UPLOAD = 5 * 1024 * 1024


def _page(request: HttpRequest, form=None, upload=None, errors=None, status=200) -> HttpResponse:
    rows = EconomicIndicator.objects.select_related("region")
    rows = sorted(rows, key=lambda r: (r.region.code, r.period.sort_key, r.indicator), reverse=True)
    return render(
        request,
        "web/indicators.html",
        {
            "menu": "dashboard",
            "crumbs": crumbs(("经济指标", None)),
            "rows": rows,
            "catalogue": [(label, UNITS[code]) for code, label in Indicator.choices],
            "can_write": can_write_indicators(request.user),
            "form": form or IndicatorForm(),
            "upload": upload or IndicatorImportForm(),
            "import_errors": errors or [],
            "imported": request.GET.get("imported"),
        },
        status=status,
    )


@reader
def indicators(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    require(can_write_indicators(request.user), FORBIDDEN)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            record_indicator(request.user, form.service_values(), form.cleaned_data["is_demo"])
        except ValidationError as exc:
            form.add_column_errors(exc.message_dict)
        else:
            return redirect("web:indicators")
    return _page(request, form=form, status=400)


@reader
@require_POST
def indicator_import(request: HttpRequest) -> HttpResponse:
    require(can_write_indicators(request.user), FORBIDDEN)
    upload = IndicatorImportForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _page(request, upload=upload, status=400)
    file = upload.cleaned_data["file"]
    if file.size > MAX_UPLOAD:
        return _page(request, upload=upload, errors=["文件不能超过 5MB"], status=400)
    try:
        count = import_indicators(
            request.user, file.name, file.read(), upload.cleaned_data["is_demo"]
        )
    except ValidationError as exc:
        return _page(request, upload=upload, errors=exc.messages, status=400)
    return redirect(f"{reverse('web:indicators')}?imported={count}")
