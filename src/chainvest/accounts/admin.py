from django.contrib import admin

from chainvest.accounts.models import ApiToken, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "display_name", "county", "park"]
    list_filter = ["role"]
    raw_id_fields = ["county"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be seen and revoked, never read back: only their hash is stored."""

    list_display = ["user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["user", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False
