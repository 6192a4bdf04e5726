"""Small display rules used across the pages: amounts in 亿元, stage and 示例 tags."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from chainvest.engine.text import Money, format_yi
from chainvest.projects.models import ProjectStage, SigningKind
from chainvest.reports.chains import percent as chain_percent
from chainvest.web.display import user_label

register = template.Library()

# Element's tag colours: green done, orange in progress, red ended, grey not yet started.
STAGE_COLOURS = {
    ProjectStage.LEAD: "info",
    ProjectStage.NEGOTIATING: "warning",
    ProjectStage.SIGNED: "primary",
    ProjectStage.REGISTERED: "primary",
    ProjectStage.CONSTRUCTION: "success",
    ProjectStage.PRODUCTION: "success",
    ProjectStage.CAPACITY: "success",
    ProjectStage.TERMINATED: "danger",
}
LINK_STAGE_COLOURS = {"upstream": "primary", "midstream": "warning", "downstream": "success"}


@register.filter
def yi(wan: Any) -> str:
    """万元 → 亿元 figure without the unit (the unit sits in the column header)."""
    return format_yi(wan)


@register.filter
def yi_cell(money: Money) -> str:
    """An amount for a table cell in 亿元: 5 / 100以上 / 6–7; a bound stays a bound."""
    if money is None or money.min_wan is None:
        return "-"
    low = format_yi(money.min_wan)
    if money.is_exact:
        return low
    if money.max_wan is None:
        return f"{low}以上"
    return f"{low}–{format_yi(money.max_wan)}"


@register.filter
def percent(share: float | None) -> str:
    """A share as a percentage with one decimal (62.5%); no figure shows as '-'."""
    return chain_percent(share)


@register.filter
def money_full(money: Money) -> str:
    """An amount with its unit, plus the wording of the agreement when that says more."""
    if money is None or money.min_wan is None:
        return "-"
    described = money.describe()
    if money.text and money.text.replace(" ", "") != described:
        return f"{described}（原文：{money.text}）"
    return described


@register.simple_tag
def stage_tag(stage: str) -> str:
    colour = STAGE_COLOURS.get(stage, "info")
    return format_html('<span class="tag tag-{}">{}</span>', colour, ProjectStage(stage).label)


@register.simple_tag
def link_stage_tag(link: Any) -> str:
    colour = LINK_STAGE_COLOURS.get(link.stage, "info")
    return format_html('<span class="tag tag-{}">{}</span>', colour, link.get_stage_display())


@register.simple_tag
def demo_tag(record: Any) -> str:
    if not getattr(record, "is_demo", False):
        return ""
    return format_html('<span class="tag tag-demo" title="{}">示例</span>', "示例数据，仅作演示")


@register.filter
def who(user: Any) -> str:
    """A person's display name; records without one (imports, the demo) show 系统."""
    return user_label(user)


# 首次 counts (blue), 升级 counts its increment (orange), 重复 counts nothing (red flag).
SIGNING_COLOURS = {"first": "primary", "upgrade": "warning", "resign": "danger"}


@register.simple_tag
def signing_tag(kind: str) -> str:
    colour = SIGNING_COLOURS.get(kind, "info")
    return format_html('<span class="tag tag-{}">{}</span>', colour, SigningKind(kind).label)


ALERT_COLOURS = {"red": "danger", "yellow": "warning", "green": "success"}


@register.simple_tag
def alert_colour(level: str) -> str:
    return ALERT_COLOURS.get(level, "info")
