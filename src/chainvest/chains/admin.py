from django.contrib import admin

from chainvest.chains.models import Chain, Cluster, Link


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]


class LinkInline(admin.TabularInline):
    model = Link
    fields = ["code", "name", "stage", "parent", "weight", "order"]
    extra = 0


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "cluster", "order"]
    list_filter = ["cluster"]
    inlines = [LinkInline]
