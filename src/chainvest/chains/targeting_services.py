"""One click on a recommended target: it becomes an engagement (精准对接) or a lead project
(线索), assigned to an officer, with the recommendation's score and reasons written into it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chainvest.accounts.models import Role
from chainvest.accounts.permissions import can_convert_target, require
from chainvest.chains.models import Link
from chainvest.enterprises.models import Enterprise
from chainvest.projects.models import Engagement, EngagementKind, Project, ProjectStage
from chainvest.projects.services import _apply_fields
from chainvest.regions.models import Region

KINDS = {"engagement": "精准对接", "lead": "招商线索"}


def home_counties():
    return Region.objects.counties_of(settings.HOME_REGION_CODE)


def officers_of(county: Region):
    return get_user_model().objects.filter(
        profile__role=Role.OFFICER, profile__county=county, is_active=True
    )


def _check(kind: str, county: Region | None, officer, enterprise: Enterprise) -> None:
    errors = {}
    if kind not in KINDS:
        errors["kind"] = f"转化方式须为 {'、'.join(KINDS.values())} 之一"
    if county is None or not home_counties().filter(pk=county.pk).exists():
        errors["county"] = "请选择本州的县市"
    elif officer is not None and not officers_of(county).filter(pk=officer.pk).exists():
        errors["officer"] = "承办人须为该县市的招商专员"
    if Engagement.objects.filter(enterprise=enterprise).exists() and kind == "engagement":
        errors["kind"] = "该企业已有对接记录"
    if Project.objects.filter(investor=enterprise, archived=False).exists():
        errors["kind"] = "该企业已在项目库中"
    if errors:
        raise ValidationError(errors)


def _note(score: float | None, reasons: list[str]) -> str:
    head = "精准招商推荐" + (f"（得分 {score:.1f}）" if score is not None else "")
    return head + "：" + "".join(reasons)


@transaction.atomic
def convert_target(
    user,
    enterprise: Enterprise,
    link: Link,
    kind: str,
    county: Region | None,
    officer=None,
    score: float | None = None,
    reasons: list[str] | None = None,
) -> Engagement | Project:
    """The target becomes an engagement or a lead in `county`, assigned to `officer`.

    Analysts and admins may convert for any county of the prefecture; an officer only for
    their own (and then the officer defaults to themselves).
    """
    require(can_convert_target(user, county.pk if county else None), "只能为本县市转化招商目标")
    if officer is None and getattr(user, "profile", None) and user.profile.role == Role.OFFICER:
        officer = user
    _check(kind, county, officer, enterprise)
    note = _note(score, reasons or [])
    if kind == "engagement":
        engagement = Engagement(
            enterprise=enterprise,
            chain=link.chain,
            county=county,
            date=timezone.localdate(),
            kind=EngagementKind.CALL,
            summary=note,
            officer=officer,
        )
        engagement._history_user = user
        engagement.save()
        return engagement
    project = Project(stage=ProjectStage.LEAD, lead_date=timezone.localdate())
    _apply_fields(
        project,
        {
            "name": f"{enterprise.name}{link.name}项目（线索）",
            "investor_id": enterprise.pk,
            "investor_name": enterprise.name,
            "county_id": county.pk,
            "chain_id": link.chain_id,
            "link_id": link.pk,
            "officer_id": officer.pk if officer else None,
            "source": note,
        },
    )
    project._history_user = user
    project.save()
    return project
