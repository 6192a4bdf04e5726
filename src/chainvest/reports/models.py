"""Counting rules (统计口径) as a settings row: the figures follow whatever the bureau chose."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class SigningBasis(models.TextChoices):
    PROTOCOL = "protocol", "签订投资协议（含框架协议）即计为签约"
    CONTRACT = "contract", "签订正式合同方计为签约"


class FulfilmentBasis(models.TextChoices):
    # 渭南市西洽会签约项目通报: 履约 = 建成投产 + 开工在建 + 正在办理审批和前期工作.
    ACTIVE = "active", "未终止即为履约（含正在办理前期手续）"
    REGISTERED = "registered", "已注册落地为履约"
    CONSTRUCTION = "construction", "已开工建设为履约"
    FUNDS = "funds", "已有资金到位为履约"


class LandingBasis(models.TextChoices):
    REGISTERED = "registered", "已注册落地（取得营业执照）"
    CONSTRUCTION = "construction", "已开工建设"


class FundsBase(models.TextChoices):
    AGREED = "agreed", "协议投资额"
    FIXED_ASSET = "fixed_asset", "固定资产投资额"


class InvestorScope(models.TextChoices):
    ALL = "all", "全部投资方"
    OUTSIDE_PREFECTURE = "outside_prefecture", "州外投资方"
    OUTSIDE_PROVINCE = "outside_province", "区外（省外）投资方"
    OVERSEAS = "overseas", "境外投资方"


# Which investor origins (projects.InvestorOrigin values) each scope admits.
SCOPE_ORIGINS = {
    InvestorScope.OUTSIDE_PREFECTURE: {"province", "domestic", "overseas"},
    InvestorScope.OUTSIDE_PROVINCE: {"domestic", "overseas"},
    InvestorScope.OVERSEAS: {"overseas"},
}


class CountingRule(models.Model):
    """The deployment's 统计口径: one row (the first); without it the defaults below apply."""

    name = models.CharField("口径名称", max_length=64, default="本州统计口径")
    signing_basis = models.CharField(
        "签约口径", max_length=16, choices=SigningBasis.choices, default=SigningBasis.PROTOCOL
    )
    fulfilment_basis = models.CharField(
        "履约口径", max_length=16, choices=FulfilmentBasis.choices, default=FulfilmentBasis.ACTIVE
    )
    landing_basis = models.CharField(
        "落地口径", max_length=16, choices=LandingBasis.choices, default=LandingBasis.REGISTERED
    )
    funds_base = models.CharField(
        "资金到位率分母", max_length=16, choices=FundsBase.choices, default=FundsBase.AGREED
    )
    investor_scope = models.CharField(
        "投资方范围", max_length=24, choices=InvestorScope.choices, default=InvestorScope.ALL
    )
    excluded_industries = models.JSONField("不计入的行业领域", default=list, blank=True)
    min_investment_wan = models.DecimalField(
        "计入门槛(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    evidence_stages = models.JSONField("须有佐证材料方可计入的阶段", default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "统计口径"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> CountingRule:
        """The saved rule, or an unsaved default one: reading never writes."""
        return cls.objects.order_by("id").first() or cls()

    def admits_origin(self, origin: str) -> bool:
        """An unknown origin is outside every restricted scope: it cannot be shown to qualify."""
        if self.investor_scope == InvestorScope.ALL:
            return True
        return origin in SCOPE_ORIGINS[InvestorScope(self.investor_scope)]

    def needs_evidence(self, stage: str) -> bool:
        return stage in (self.evidence_stages or [])


class AlertRule(models.Model):
    """Thresholds of the red / yellow / green project alerts (预警规则); one row, like the rule."""

    follow_up_yellow_days = models.PositiveIntegerField("未跟进黄色预警(天)", default=30)
    follow_up_red_days = models.PositiveIntegerField("未跟进红色预警(天)", default=60)
    start_warning_days = models.PositiveIntegerField("临近计划开工提示(天)", default=30)
    start_grace_days = models.PositiveIntegerField("超过计划开工宽限(天)", default=0)
    funds_tolerance_pct = models.PositiveIntegerField(
        "资金到位落后容差(百分点)",
        default=20,
        help_text="实际到位比例落后于按时间均匀推算的进度超过此值为黄色，超过两倍为红色",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "预警规则"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(follow_up_red_days__gte=models.F("follow_up_yellow_days")),
                name="red_after_yellow",
            )
        ]

    def __str__(self) -> str:
        return "预警规则"

    @classmethod
    def current(cls) -> AlertRule:
        return cls.objects.order_by("id").first() or cls()
