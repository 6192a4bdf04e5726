"""What the project page shows beyond its basic record: signings, evidence, money, alerts."""

from __future__ import annotations

from typing import Any

from chainvest.projects.models import Project
from chainvest.projects.queries import realisation
from chainvest.web.forms_signing import EvidenceForm, MonthForm, SigningForm


def project_extras(user: Any, project: Project, writable: bool, forms: dict) -> dict:
    context: dict[str, Any] = {
        "signings": project.signings.select_related("event", "user__profile"),
        "evidence": project.evidence.filter(archived=False).select_related("uploaded_by__profile"),
        "money": realisation(project),
    }
    if writable:
        context["signing_form"] = forms.get("signing_form") or SigningForm()
        context["evidence_form"] = forms.get("evidence_form") or EvidenceForm()
        context["month_form"] = forms.get("month_form") or MonthForm()
    return context
