"""操作审计: every recorded write, newest first, filtered and paged, and its .xlsx export.
Read-only on purpose: there is no route that writes an audit row."""

from __future__ import annotations

import io
from urllib.parse import quote

import xlsxwriter
from django import forms
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chainvest.accounts.audit import AuditFilter, audit_rows, labelled, model_choices
from chainvest.web.lists import PAGE_SIZES, page_size, paginate
from chainvest.web.views import crumbs, reader

EXPORT_LIMIT = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["时间", "操作人", "对象类型", "对象编号", "操作", "说明"]


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label="操作人", required=False, queryset=get_user_model().objects.order_by("username")
    )
    model = forms.ChoiceField(label="对象类型", required=False)
    start = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput({"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "全部"), *model_choices()]

    def criteria(self) -> AuditFilter:
        """The filter the valid fields describe; an invalid field filters nothing."""
        data = self.cleaned_data if self.is_valid() else {}
        user = data.get("user")
        return AuditFilter(
            user_id=user.pk if user else None,
            model=data.get("model") or None,
            start=data.get("start"),
            end=data.get("end"),
        )


@reader
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    criteria = form.criteria() if request.GET else AuditFilter()
    page = paginate(audit_rows(criteria), request.GET.get("page"), request.GET.get("size"))
    context = {
        "menu": "audit",
        "crumbs": crumbs(("操作审计", None)),
        "form": form,
        "page": page,
        "rows": labelled(list(page.object_list)),
        "size": page_size(request.GET.get("size")),
        "sizes": PAGE_SIZES,
    }
    return render(request, "web/audit.html", context)


@reader
def audit_xlsx(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    criteria = form.criteria() if request.GET else AuditFilter()
    rows = labelled(list(audit_rows(criteria)[:EXPORT_LIMIT]))
    buffer = io.BytesIO()
    _write_xlsx(rows, buffer)
    stamp = timezone.localtime().strftime("%Y%m%d_%H%M%S")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'操作审计_{stamp}.xlsx')}"
    )
    return response


def _write_xlsx(rows: list, out: io.BytesIO) -> None:
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("操作审计")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, HEADERS, bold)
    for n, r in enumerate(rows, start=1):
        at = timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S")
        sheet.write_row(n, 0, [at, r.user, r.model, r.object_id, r.action, r.summary])
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 3, 16)
    sheet.set_column(5, 5, 60)
    book.close()
