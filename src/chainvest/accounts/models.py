import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from chainvest.regions.models import Park, Region


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    ANALYST = "analyst", "招商分析员"
    LEADER = "leader", "领导"
    OFFICER = "officer", "县市/园区招商专员"


class Profile(models.Model):
    """A user's role and, for officers, the county or park they answer for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    display_name = models.CharField("姓名/职务", max_length=64, blank=True)
    county = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属县市"
    )
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属园区"
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="officer")
                | models.Q(county__isnull=False)
                | models.Q(park__isnull=False),
                name="officer_has_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.username} ({self.get_role_display()})"

    @property
    def scope_label(self) -> str:
        if self.park_id:
            return self.park.short_name
        if self.county_id:
            return self.county.display_name
        return "全州"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_request(self, request: Any, raw: str) -> "ApiToken | None":
        """The live token of an active user that `raw` is, or None; looked up once a request.

        The route-rule middleware and the API's bearer auth both need it: the row is kept on
        the request so a token call costs one query, not two.
        """
        cached = getattr(request, "_chainvest_token", None)
        if cached is not None and cached[0] == raw:
            return cached[1]
        found = self.live().select_related("user").filter(key_hash=hash_token(raw)).first()
        found = found if found and found.user.is_active else None
        request._chainvest_token = (raw, found)
        return found

    def visible_to(self, user) -> "ApiTokenQuerySet":
        """Administrators see every user's tokens; everyone else only their own."""
        from chainvest.accounts.permissions import role_of

        mine = self if role_of(user) == Role.ADMIN else self.filter(user=user)
        return mine.select_related("user").order_by("-created_at")


class ApiToken(models.Model):
    """A bearer token for the API; only its hash is stored, so a leaked database leaks no token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("用途", max_length=64, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user} 的访问令牌（{self.created_at:%Y-%m-%d}）"

    @classmethod
    def issue(cls, user, days: int | None = None, name: str = "") -> tuple["ApiToken", str]:
        """A new token; the raw value is returned once and never stored."""
        raw = secrets.token_urlsafe(32)
        days = days or settings.API_TOKEN_DAYS
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=hash_token(raw),
            expires_at=timezone.now() + timedelta(days=days),
        )
        return token, raw

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at <= timezone.now():
            return "已过期"
        return "有效"

    @property
    def is_live(self) -> bool:
        return self.state == "有效"

    def revoke(self) -> None:
        """Revoking is final and keeps the row, so the list still shows who had access when."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class AuditEntry(models.Model):
    """A write that leaves no history row of its own (a hand-made link assignment, say).

    Append-only: a saved entry can be neither changed nor deleted through the application.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model = models.CharField("对象类型", max_length=100)  # app_label.ModelName
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    action = models.CharField("操作", max_length=32)
    summary = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "操作审计记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model} #{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionDenied("审计记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("审计记录不可删除")

    @classmethod
    def record(cls, user, obj: models.Model, action: str, summary: str = "") -> "AuditEntry":
        return cls.objects.create(
            user=user if getattr(user, "pk", None) else None,
            model=obj._meta.label,
            object_id=str(obj.pk or ""),
            action=action,
            summary=summary[:500],
        )
