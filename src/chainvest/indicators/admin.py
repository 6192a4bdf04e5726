from django.contrib import admin

from chainvest.indicators.models import EconomicIndicator


@admin.register(EconomicIndicator)
class EconomicIndicatorAdmin(admin.ModelAdmin):
    """Read-only here: the indicator pages validate entries and imports and record who."""

    list_display = ["region", "indicator", "year", "period_kind", "period_number", "value"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
