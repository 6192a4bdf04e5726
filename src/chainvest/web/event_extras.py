"""The event page's 邀请名单 section, shared by the page and the htmx answers that redraw it."""

from __future__ import annotations

from django.http import HttpRequest

from chainvest.accounts.permissions import can_update_invitation, can_write_invitations
from chainvest.events.invitation_services import theme_chains
from chainvest.events.models import Event
from chainvest.reports import kpis
from chainvest.reports.queries import invitation_outcome
from chainvest.web.forms_events import InvitationUpdateForm, InviteeForm, InviteTargetsForm


def signing_rows(event: Event) -> list:
    """The event's signing rows under the counting rule (first signings and re-signings)."""
    return kpis.kpi_figures(kpis.Scope(event_id=event.pk))["signed"].rows


def invitation_context(request: HttpRequest, event: Event, rows=None, **extra) -> dict:
    """What the event page's 邀请名单 section needs; rows: the page's signing rows if known."""
    outcome = invitation_outcome(event, signing_rows(event) if rows is None else rows)
    return {
        "event": event,
        "outcome": outcome,
        "may_edit_invitations": can_write_invitations(request.user),
        "editable": {i.pk for i, _ in outcome.rows if can_update_invitation(request.user, i)},
        "theme_chains": theme_chains(event),
        "targets_form": extra.pop("targets_form", None) or InviteTargetsForm(),
        "invitee_form": extra.pop("invitee_form", None) or InviteeForm(),
        "update_form": InvitationUpdateForm(),
        **extra,
    }
