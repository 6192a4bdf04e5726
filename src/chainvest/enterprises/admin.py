from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainvest.enterprises.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "uscc", "region", "park", "is_chain_leader", "is_demo"]
    search_fields = ["name", "uscc"]
    list_filter = ["is_chain_leader", "is_demo"]
    raw_id_fields = ["region", "industry"]
