from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainvest.events.models import Event


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["name", "date", "place", "is_demo"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
