"""Writes of the reports app: the counting rule is changed here, by the bureau only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from chainvest.accounts.permissions import can_write_counting_rules, require
from chainvest.projects.models import ProjectStage
from chainvest.reports.models import AlertRule, CountingRule

RULE_FIELDS = {
    "name",
    "signing_basis",
    "fulfilment_basis",
    "landing_basis",
    "funds_base",
    "investor_scope",
    "excluded_industries",
    "min_investment_wan",
    "evidence_stages",
}


@transaction.atomic
def update_counting_rule(user, data: dict[str, Any]) -> CountingRule:
    """Change the 统计口径; every change is kept in the rule's history."""
    require(can_write_counting_rules(user), "只有系统管理员和招商分析员可以修改统计口径")
    unknown = set(data) - RULE_FIELDS
    if unknown:
        raise ValidationError({f: "该字段不可修改" for f in sorted(unknown)})
    rule = CountingRule.objects.select_for_update().order_by("id").first() or CountingRule()
    for key, value in data.items():
        setattr(rule, key, value)
    rule.excluded_industries = sorted({s.strip() for s in rule.excluded_industries if s.strip()})
    bad = [s for s in rule.evidence_stages if s not in ProjectStage.values]
    if bad:
        raise ValidationError({"evidence_stages": f"未知的项目阶段：{'、'.join(bad)}"})
    if rule.min_investment_wan is not None and rule.min_investment_wan < 0:
        raise ValidationError({"min_investment_wan": "计入门槛不能为负数"})
    rule.full_clean(exclude=["updated_by"])
    rule.updated_by = user
    rule._history_user = user
    rule.save()
    return rule


ALERT_FIELDS = {
    "follow_up_yellow_days",
    "follow_up_red_days",
    "start_warning_days",
    "start_grace_days",
    "funds_tolerance_pct",
}


@transaction.atomic
def update_alert_rule(user, data: dict[str, Any]) -> AlertRule:
    require(can_write_counting_rules(user), "只有系统管理员和招商分析员可以修改预警规则")
    unknown = set(data) - ALERT_FIELDS
    if unknown:
        raise ValidationError({f: "该字段不可修改" for f in sorted(unknown)})
    rule = AlertRule.objects.select_for_update().order_by("id").first() or AlertRule()
    for key, value in data.items():
        setattr(rule, key, value)
    if rule.follow_up_red_days < rule.follow_up_yellow_days:
        raise ValidationError({"follow_up_red_days": "红色预警天数不能少于黄色预警天数"})
    rule.full_clean(exclude=["updated_by"])
    rule.updated_by = user
    rule._history_user = user
    rule.save()
    return rule
