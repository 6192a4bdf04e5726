from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainvest.chains.models import (
    Chain,
    ChainChief,
    ChainLeader,
    ChainSnapshot,
    Cluster,
    Link,
    LinkSnapshot,
)


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]


class LinkInline(admin.TabularInline):
    model = Link
    fields = ["code", "name", "stage", "parent", "weight", "order"]
    extra = 0


class ChiefInline(admin.TabularInline):
    model = ChainChief
    fields = ["name", "title", "order", "is_demo"]
    extra = 0


class LeaderInline(admin.TabularInline):
    model = ChainLeader
    fields = ["enterprise", "note", "order", "is_demo"]
    raw_id_fields = ["enterprise"]  # the pool can be millions of rows: no giant <select>
    extra = 0


@admin.register(Chain)
class ChainAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "cluster", "order", "strong_min_enterprises"]
    list_filter = ["cluster"]
    fieldsets = [
        (None, {"fields": ["code", "name", "cluster", "order", "description", "chief_title"]}),
        ("资料来源", {"fields": ["sources", "is_demo"]}),
        (
            "诊断门槛",
            {
                "fields": [
                    "strong_min_enterprises",
                    "strong_min_capital_wan",
                    "strong_min_lq",
                    "build_max_completeness",
                    "build_min_relatedness",
                ],
                "description": "环节达到全部强链门槛为“强”，有本地企业但未达到为“弱”"
                "（见 docs/diagnosis.md）。",
            },
        ),
    ]
    inlines = [ChiefInline, LeaderInline, LinkInline]


class LinkSnapshotInline(admin.TabularInline):
    model = LinkSnapshot
    fields = ["link", "status", "action", "local_count", "pipeline_signed", "pipeline_building"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ChainSnapshot)
class ChainSnapshotAdmin(admin.ModelAdmin):
    list_display = ["chain", "month", "region_code", "completeness", "matching_rate", "action"]
    list_filter = ["month", "chain__cluster"]
    readonly_fields = [
        "chain",
        "region_code",
        "month",
        "as_of",
        "completeness",
        "matching_rate",
        "action",
    ]
    inlines = [LinkSnapshotInline]

    def has_add_permission(self, request) -> bool:
        return False  # snapshots come from `chainvest snapshot-chains`, not from hand entry
