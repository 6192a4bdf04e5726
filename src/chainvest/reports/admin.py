from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainvest.reports.models import AlertRule, CountingRule


@admin.register(CountingRule)
class CountingRuleAdmin(SimpleHistoryAdmin):
    """Read-only here: the rule pages (统计口径设置 / 预警规则设置) validate and record who."""

    list_display = ["name", "signing_basis", "investor_scope", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AlertRule)
class AlertRuleAdmin(CountingRuleAdmin):
    list_display = ["follow_up_yellow_days", "follow_up_red_days", "updated_at"]
