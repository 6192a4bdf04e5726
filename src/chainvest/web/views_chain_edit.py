"""Editing a chain from the chain map: the edit form, and its template downloaded and uploaded."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from chainvest.accounts.permissions import can_write_chains, require
from chainvest.chains.models import Chain
from chainvest.chains.services import (
    NOT_ALLOWED,
    ChainTemplateError,
    edit_chain,
    export_chain_template,
    import_chain_template,
)
from chainvest.web import forms_chains as forms
from chainvest.web.views import crumbs, reader

MAX_TEMPLATE_BYTES = 1024 * 1024  # the real templates are about 5 KB


def chain_writer(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(can_write_chains(request.user), NOT_ALLOWED)
        return view(request, *args, **kwargs)

    return wrapped


@reader
def chain_template(request: HttpRequest, code: str) -> HttpResponse:
    chain = get_object_or_404(Chain.objects.with_cluster(), code=code)
    response = HttpResponse(export_chain_template(chain), content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="{chain.code}.yaml"'
    return response


@chain_writer
def chain_template_import(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            chain = import_chain_template(_text_of(upload), request.user, upload.name)
        except ChainTemplateError as exc:
            error = str(exc)
        else:
            messages.success(request, f"已导入产业链模板：{chain.name}")
            return redirect("web:chain", code=chain.code)
    context = {
        "menu": "chains",
        "crumbs": crumbs(("产业链", reverse("web:chains")), ("导入产业链模板", None)),
        "error": error,
    }
    return render(request, "web/chain_import.html", context, status=400 if error else 200)


def _text_of(upload: Any) -> str:
    if upload is None:
        raise ChainTemplateError("请选择要导入的模板文件（.yaml）")
    if upload.size > MAX_TEMPLATE_BYTES:
        raise ChainTemplateError(f"{upload.name}：文件超过 1 MB，不像产业链模板")
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChainTemplateError(f"{upload.name}：不是 UTF-8 编码的文本文件") from exc


@chain_writer
def chain_edit(request: HttpRequest, code: str) -> HttpResponse:
    chain = get_object_or_404(Chain.objects.with_cluster(), code=code)
    if request.headers.get("HX-Request") and request.GET.get("add"):
        return _new_row(request, chain, request.GET["add"])
    error = ""
    if request.method == "POST":
        link_rows, flow_rows = forms.rows_from_post(request.POST)
        try:
            edit_chain(chain, forms.edit_data(request.POST, link_rows, flow_rows), request.user)
        except ChainTemplateError as exc:
            error = str(exc)
        else:
            messages.success(request, "已保存产业链的修改")
            return redirect("web:chain", code=chain.code)
        values = {
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
        }
    else:
        link_rows, flow_rows = forms.rows_of(chain)
        link_rows.append(forms.blank_link_row())
        flow_rows.append(forms.blank_flow_row())
        values = {"name": chain.name, "description": chain.description}
    context = {
        "menu": "chains",
        "crumbs": crumbs(
            ("产业链", reverse("web:chains")),
            (chain.name, reverse("web:chain", args=[chain.code])),
            ("编辑", None),
        ),
        "chain": chain,
        "values": values,
        "link_rows": link_rows,
        "flow_rows": flow_rows,
        "error": error,
        **forms.choices(),
    }
    return render(request, "web/chain_edit.html", context, status=400 if error else 200)


def _new_row(request: HttpRequest, chain: Chain, kind: str) -> HttpResponse:
    """One more empty link or flow row (the 添加 buttons, by htmx)."""
    if kind == "flow":
        return render(request, "web/_chain_edit_flow.html", {"row": forms.blank_flow_row()})
    context = {"chain": chain, "row": forms.blank_link_row(), **forms.choices()}
    return render(request, "web/_chain_edit_link.html", context)
