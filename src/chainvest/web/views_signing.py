"""Project-page actions of the signing registry, evidence and monthly realisation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from chainvest.accounts.permissions import can_issue_instruction, can_write_project, require
from chainvest.projects.models import Evidence, Instruction
from chainvest.projects.services import (
    add_evidence,
    issue_instruction,
    record_month,
    record_referral,
    record_signing,
    reply_instruction,
)
from chainvest.web.forms_signing import (
    EvidenceForm,
    InstructionForm,
    InstructionReplyForm,
    MonthForm,
    ReferralForm,
    SigningForm,
)
from chainvest.web.views import _project_or_404, _project_page, reader


def _back(project, anchor: str) -> HttpResponse:
    return redirect(reverse("web:project", args=[project.pk]) + f"#{anchor}")


@reader
@require_POST
def project_signing(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(pk)
    require(can_write_project(request.user, project), "只能为本县市/园区的项目登记签约")
    form = SigningForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_signing(
                request.user, project, data["date"], data["event"], data["document"],
                data["amount"], data["note"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return _back(project, "signings")
    return _project_page(request, project, signing_form=form)


@reader
@require_POST
def project_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(pk)
    require(can_write_project(request.user, project), "只能为本县市/园区的项目上传佐证材料")
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            add_evidence(
                request.user, project, data["stage"], data["kind"], data["file"], data["note"]
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return _back(project, "evidence")
    return _project_page(request, project, evidence_form=form)


@reader
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served through the sign-in check, never as a public media URL."""
    item = get_object_or_404(Evidence, pk=pk, archived=False)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)


YI = 10000


@reader
@require_POST
def project_month(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(pk)
    require(can_write_project(request.user, project), "只能填报本县市/园区项目的月度进展")
    form = MonthForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_month(
                request.user, project, data["month"], data["funds_arrived_yi"] * YI,
                data["fixed_asset_done_yi"] * YI, data["jobs_created"], data["note"],
            )  # fmt: skip
        except ValidationError as exc:
            exc = ValidationError(
                {k.replace("_wan", "_yi"): v for k, v in exc.message_dict.items()}
            )
            form.add_service_error(exc)
        else:
            return _back(project, "money")
    return _project_page(request, project, month_form=form)


@reader
@require_POST
def project_instruction(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(pk)
    require(can_issue_instruction(request.user), "只有领导可以作出督办批示")
    form = InstructionForm(request.POST)
    if form.is_valid():
        try:
            issue_instruction(
                request.user, project, form.cleaned_data["text"], form.cleaned_data["due_date"]
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return _back(project, "instructions")
    return _project_page(request, project, instruction_form=form)


@reader
@require_POST
def instruction_reply(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = get_object_or_404(Instruction.objects.select_related("project"), pk=pk)
    project = _project_or_404(instruction.project_id)
    require(can_write_project(request.user, project), "只能办理本县市/园区项目的督办事项")
    form = InstructionReplyForm(request.POST)
    if form.is_valid():
        try:
            reply_instruction(
                request.user, instruction, form.cleaned_data["note"], form.cleaned_data["close"]
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return _back(project, "instructions")
    return _project_page(request, project, reply_form=form)


@reader
@require_POST
def project_referral(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(pk)
    require(can_write_project(request.user, project), "只能为本县市/园区的项目登记引荐方")
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            record_referral(request.user, project, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return _back(project, "referral")
    return _project_page(request, project, referral_form=form)
