"""What the project page shows beyond its basic record: signings, evidence, money, alerts."""

from __future__ import annotations

from typing import Any

from chainvest.accounts.permissions import can_issue_instruction
from chainvest.projects.models import Project
from chainvest.projects.queries import realisation
from chainvest.reports.alerts import alert_for
from chainvest.web.forms_signing import (
    EvidenceForm,
    InstructionForm,
    InstructionReplyForm,
    MonthForm,
    ReferralForm,
    SigningForm,
)


def project_extras(user: Any, project: Project, writable: bool, forms: dict) -> dict:
    context: dict[str, Any] = {
        "signings": project.signings.select_related("event", "user__profile"),
        "evidence": project.evidence.filter(archived=False).select_related("uploaded_by__profile"),
        "money": realisation(project),
        "alert": alert_for(project),
        "instructions": project.instructions.select_related("leader__profile").prefetch_related(
            "replies__author__profile"
        ),
        "can_instruct": can_issue_instruction(user),
        "referral": getattr(project, "referral", None),
    }
    if context["can_instruct"]:
        context["instruction_form"] = forms.get("instruction_form") or InstructionForm()
    if writable:
        context["signing_form"] = forms.get("signing_form") or SigningForm()
        context["evidence_form"] = forms.get("evidence_form") or EvidenceForm()
        context["month_form"] = forms.get("month_form") or MonthForm()
        context["reply_form"] = forms.get("reply_form") or InstructionReplyForm()
        context["referral_form"] = forms.get("referral_form") or ReferralForm(
            initial=_referral_initial(context["referral"])
        )
    return context


def _referral_initial(referral) -> dict:
    if referral is None:
        return {}
    fields = ["kind", "referrer_name", "supplies", "offtake", "commitments"]
    return {name: getattr(referral, name) for name in fields}
