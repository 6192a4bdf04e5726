"""The chain map's link panel (htmx partial) and the chain diagnosis exports."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from chainvest.chains.diagnosis import diagnose_all, diagnose_chain
from chainvest.chains.models import Chain
from chainvest.reports.chain_exports import chain_report_docx, diagnosis_xlsx
from chainvest.web import chain_map
from chainvest.web.views import reader

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@reader
def chain_link(request: HttpRequest, code: str, link_id: int) -> HttpResponse:
    """One link's detail panel; outside htmx the chain map opens with the panel in place."""
    chain = get_object_or_404(Chain.objects.with_cluster(), code=code)
    if not request.headers.get("HX-Request"):
        url = reverse("web:chain", args=[code]) + "?" + urlencode({"link": link_id})
        return redirect(url)
    diagnosis = diagnose_chain(chain)
    selected = chain_map.selected_link(str(link_id), chain, diagnosis)
    if selected is None:
        raise Http404("该产业链没有这个环节")
    context = {"chain": chain, **chain_map.panel_context(chain, *selected)}
    return render(request, "web/_chain_link_panel.html", context)


def _download(data: bytes, name: str, content_type: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=name, content_type=content_type
    )


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d_%H%M%S")


@reader
def chains_xlsx(request: HttpRequest) -> FileResponse:
    data = diagnosis_xlsx(diagnose_all(), timezone.localtime())
    return _download(data, f"产业链诊断_{_stamp()}.xlsx", XLSX)


@reader
def chain_xlsx(request: HttpRequest, code: str) -> FileResponse:
    chain = get_object_or_404(Chain, code=code)
    data = diagnosis_xlsx([diagnose_chain(chain)], timezone.localtime())
    return _download(data, f"{chain.name}产业链诊断_{_stamp()}.xlsx", XLSX)


@reader
def chain_docx(request: HttpRequest, code: str) -> FileResponse:
    chain = get_object_or_404(Chain.objects.with_cluster(), code=code)
    data = chain_report_docx(diagnose_chain(chain), chain.cluster.name, timezone.localdate())
    return _download(data, f"{chain.name}产业链诊断报告_{_stamp()}.docx", DOCX)
