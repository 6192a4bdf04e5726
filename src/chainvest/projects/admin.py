from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainvest.projects.models import Project


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
