"""An event's invitation list (邀请名单): the targeting engine's best targets for the gaps of the
event's theme chains, added in one click, plus enterprises added by hand; then how each
invitation went (拟邀请 → 已邀请 → 已确认 → 出席/未出席)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chainvest.accounts.models import Role
from chainvest.accounts.permissions import (
    can_update_invitation,
    can_write_invitations,
    require,
)
from chainvest.chains.diagnosis import diagnose_chain
from chainvest.chains.models import Chain
from chainvest.chains.targeting import rank_targets
from chainvest.enterprises.models import Enterprise
from chainvest.events.models import Event, Invitation, InvitationSource, InvitationStatus

GAP_STATUSES = ("missing", "weak")  # the links an event's invitees should fill
AFTER_EVENT = {InvitationStatus.ATTENDED, InvitationStatus.ABSENT}
MAX_TOP = 20


@dataclass
class InviteResult:
    """What one click did: invitees added, and enterprises already on the list (merged)."""

    added: list[Invitation] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    gaps: int = 0  # missing/weak links looked at

    @property
    def message(self) -> str:
        text = f"查看缺失/薄弱环节{self.gaps}个，新增推荐邀请企业{len(self.added)}家"
        if self.merged:
            text += f"；{len(self.merged)}家已在名单中，不重复添加（{'、'.join(self.merged[:5])}"
            text += "等）" if len(self.merged) > 5 else "）"
        return text


def theme_chains(event: Event) -> list[Chain]:
    """The chains of the plan month the event was held for, with those of its clusters."""
    month = getattr(event, "plan_month", None)
    if month is None:
        return []
    chains = Chain.objects.filter(plan_months=month) | Chain.objects.filter(
        cluster__plan_months=month
    )
    return list(chains.distinct().order_by("cluster__order", "order", "code"))


def _reason(chain: Chain, gap, target) -> str:
    head = f"{chain.name}·{gap.name}（{gap.status_label}）推荐第{target.rank}名"
    return f"{head}（得分{target.score:.1f}）：{''.join(target.reasons)}"


def _check_top(top: Any) -> int:
    if not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise ValidationError({"top": f"每个环节推荐数应为1至{MAX_TOP}之间的整数"})
    return top


@transaction.atomic
def invite_targets(user, event: Event, top: int = 3, chains: list[Chain] | None = None):
    """Add the top `top` new targets of every missing or weak link of the theme chains.

    An enterprise already on the list is not added again (it is counted as merged); one that
    fills several links is listed once, with the reasons of each."""
    require(can_write_invitations(user), "只有管理员和分析员可以生成邀请名单")
    top = _check_top(top)
    chains = theme_chains(event) if chains is None else chains
    if not chains:
        raise ValidationError({"chains": "该活动未关联年度计划的主题产业链，请先在年度计划中设置"})
    listed = {i.enterprise_id: i for i in event.invitations.select_related("enterprise")}
    result, new = InviteResult(), {}
    for chain in chains:
        for gap in (g for g in diagnose_chain(chain).links if g.status in GAP_STATUSES):
            result.gaps += 1
            for target in rank_targets(gap.link_id, top=top).targets[:top]:
                _take(event, chain, gap, target, listed, new, result)
    _save_all(user, list(new.values()))
    result.added = list(new.values())
    return result


def _take(event, chain, gap, target, listed, new, result) -> None:
    eid = target.enterprise_id
    if eid in listed:
        name = listed[eid].enterprise.name
        if name not in result.merged:
            result.merged.append(name)
    elif eid in new:
        new[eid].reason += "\n" + _reason(chain, gap, target)
    else:
        new[eid] = Invitation(
            event=event,
            enterprise_id=eid,
            source=InvitationSource.RECOMMENDED,
            link_id=gap.link_id,
            reason=_reason(chain, gap, target),
        )


def _save_all(user, invitations: list[Invitation]) -> None:
    for invitation in invitations:
        invitation._history_user = user
        invitation._change_reason = "精准招商推荐加入邀请名单"
        invitation.save()


def _check_officer(officer) -> None:
    if officer is None:
        return
    profile = getattr(officer, "profile", None)
    if not officer.is_active or profile is None or profile.role != Role.OFFICER:
        raise ValidationError({"officer": "责任人须为在岗的招商专员"})


@transaction.atomic
def add_invitee(
    user, event: Event, enterprise: Enterprise | None, reason: str = "", officer=None
) -> Invitation:
    """An enterprise added by hand; one already on the list is refused, naming its status."""
    require(can_write_invitations(user), "只有管理员和分析员可以修改邀请名单")
    if enterprise is None:
        raise ValidationError({"enterprise": "请选择企业库中已有的企业"})
    twin = event.invitations.filter(enterprise=enterprise).first()
    if twin is not None:
        status = twin.get_status_display()
        message = f"{enterprise.name}已在邀请名单中（{status}），不重复添加"
        raise ValidationError({"enterprise": message})
    _check_officer(officer)
    invitation = Invitation(
        event=event,
        enterprise=enterprise,
        source=InvitationSource.MANUAL,
        reason=(reason or "").strip(),
        officer=officer,
    )
    _save_all(user, [invitation])
    return invitation


def _check_status(invitation: Invitation, status: str) -> None:
    if status not in InvitationStatus.values:
        raise ValidationError({"status": "请选择有效的邀请状态"})
    if status in AFTER_EVENT and invitation.event.date > timezone.localdate():
        raise ValidationError(
            {"status": f"活动尚未举行（{invitation.event.date}），不能记为出席或未出席"}
        )


@transaction.atomic
def update_invitation(user, invitation: Invitation, fields: dict[str, Any]) -> Invitation:
    """Change an invitation's status (its officer may) or its officer (the bureau may)."""
    require(can_update_invitation(user, invitation), "只能更新本人负责的邀请")
    if "officer" in fields and not can_write_invitations(user):
        raise PermissionDenied("只有管理员和分析员可以指定责任人")
    if "status" in fields:
        _check_status(invitation, fields["status"])
    if "officer" in fields:
        _check_officer(fields["officer"])
    for key in ("status", "officer"):
        if key in fields:
            setattr(invitation, key, fields[key])
    invitation._history_user = user
    invitation._change_reason = "更新邀请"
    invitation.save()
    return invitation


@transaction.atomic
def remove_invitation(user, invitation: Invitation) -> None:
    require(can_write_invitations(user), "只有管理员和分析员可以修改邀请名单")
    invitation._history_user = user
    invitation._change_reason = "移出邀请名单"
    invitation.delete()


def officers():
    """Whom an invitation may be assigned to: the active officers."""
    return get_user_model().objects.filter(profile__role=Role.OFFICER, is_active=True)
