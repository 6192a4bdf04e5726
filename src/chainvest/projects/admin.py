from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainvest.projects.models import (
    Evidence,
    Instruction,
    Project,
    ProjectMonth,
    Referral,
    Signing,
)


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    """Read-only here: stages and edits go through the project services and their rules."""

    list_display = ["name", "county", "park", "chain", "stage", "signed_date", "is_demo"]
    list_filter = ["stage", "county", "is_demo"]
    search_fields = ["name", "investor_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Signings, evidence, months, 督办 and referrals are written through the services only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Signing)
class SigningAdmin(ReadOnlyAdmin):
    list_display = ["project", "event", "date", "kind", "document", "amount_text"]
    list_filter = ["kind", "document"]


@admin.register(ProjectMonth)
class ProjectMonthAdmin(ReadOnlyAdmin):
    list_display = ["project", "month", "funds_arrived_wan", "fixed_asset_done_wan", "jobs_created"]


@admin.register(Instruction)
class InstructionAdmin(ReadOnlyAdmin):
    list_display = ["project", "leader", "date", "due_date", "closed_date"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["project", "referrer_name", "kind", "supplies", "offtake"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["project", "stage", "kind", "original_name", "uploaded_at", "archived"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
