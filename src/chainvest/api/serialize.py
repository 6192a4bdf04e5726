"""Model objects → plain dicts matching the response schemas (money as JSON numbers)."""

from __future__ import annotations

from decimal import Decimal

from chainvest.chains.models import Chain
from chainvest.engine.text import Money
from chainvest.projects.models import FollowUp, Project, ProjectStage, StageChange
from chainvest.regions.models import Region
from chainvest.reports.queries import EventFigures


def number(value: Decimal | None) -> int | float | None:
    """万元 as a JSON number: an int when whole, so 10260000 stays 10260000."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def money(m: Money) -> dict:
    return {"min_wan": number(m.min_wan), "max_wan": number(m.max_wan), "text": m.text}


def code_name(obj) -> dict | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def stage(code: str) -> dict:
    return {"code": code, "label": ProjectStage(code).label}


def username(user) -> str | None:
    return user.get_username() if user is not None else None


def project(p: Project) -> dict:
    return {
        "id": p.id,
        "name": p.name,
        "investor": p.investor_display,
        "county": code_name(p.county),
        "park": p.park
        and {"code": p.park.code, "name": p.park.name, "short_name": p.park.short_name},
        "chain": code_name(p.chain),
        "link": p.link and {"id": p.link.id, "code": p.link.code, "name": p.link.name},
        "industry": p.industry,
        "stage": stage(p.stage),
        "dates": {s.value: p.stage_date(s) for s in ProjectStage},
        "terminated_reason": p.terminated_reason,
        "agreed": money(p.agreed),
        "planned": money(p.planned),
        "event": p.event_id,
        "description": p.description,
        "responsible_unit": p.responsible_unit,
        "liaison_leader": p.liaison_leader,
        "is_demo": p.is_demo,
        "archived": p.archived,
    }


def stage_change(c: StageChange) -> dict:
    return {
        "id": c.id,
        "from_stage": stage(c.from_stage),
        "to_stage": stage(c.to_stage),
        "date": c.date,
        "is_correction": c.is_correction,
        "reason": c.reason,
        "user": username(c.user),
        "at": c.at,
    }


def follow_up(f: FollowUp) -> dict:
    return {
        "id": f.id,
        "date": f.date,
        "note": f.note,
        "next_step": f.next_step,
        "due_date": f.due_date,
        "author": username(f.author),
        "created_at": f.created_at,
    }


def event(fig: EventFigures) -> dict:
    e = fig.event
    organiser: Region | None = e.organiser
    return {
        "id": e.id,
        "name": e.name,
        "theme": e.theme,
        "date": e.date,
        "place": e.place,
        "organiser": code_name(organiser),
        "sequence": e.sequence,
        "signed_count": fig.signed_count,
        "investment": money(fig.investment),
        "industries": fig.industries,
        "summary_line": fig.summary_line,
        "is_demo": e.is_demo,
    }


def chain(c: Chain, link_count: int | None = None) -> dict:
    return {
        "id": c.id,
        "code": c.code,
        "name": c.name,
        "cluster": code_name(c.cluster),
        "link_count": link_count if link_count is not None else c.link_count,
        "chief_title": c.chief_title,
        "is_demo": c.is_demo,
    }


def link_node(node: dict) -> dict:
    link = node["link"]
    return {
        "id": link.id,
        "code": link.code,
        "name": link.name,
        "stage": {"code": link.stage, "label": link.get_stage_display()},
        "weight": link.weight,
        "keywords": list(link.keywords),
        "products": list(link.products),
        "industry_codes": [ic.code for ic in link.industry_codes.all()],
        "children": [link_node(child) for child in node["children"]],
    }
