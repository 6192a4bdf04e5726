from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from chainvest.regions.models import Region


class EventQuerySet(models.QuerySet):
    def in_year(self, year: int) -> "EventQuerySet":
        return self.filter(date__year=year)

    def same_signing(self, name: str | None, date) -> "EventQuerySet":
        """Recorded events a news draft may repeat: the same day, or the same name."""
        if date is None and not name:
            return self.none()
        query = models.Q(date=date) if date else models.Q()
        if name:
            query = query | models.Q(name=name) if date else models.Q(name=name)
        return self.filter(query, archived=False)


class Event(models.Model):
    """推介会 / 签约仪式: a promotion event at which projects are signed."""

    name = models.CharField("活动名称", max_length=200)
    theme = models.CharField("主题", max_length=100, blank=True)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=200, blank=True)
    organiser = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name="主办地区"
    )
    occasion = models.CharField("依托平台", max_length=200, blank=True)
    sequence = models.PositiveSmallIntegerField("年度场次", null=True, blank=True)
    source = models.TextField("资料来源", blank=True)
    is_demo = models.BooleanField("示例数据", default=False)
    archived = models.BooleanField("已归档", default=False)

    history = HistoricalRecords()
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = verbose_name_plural = "招商活动"

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    PREPARING = "preparing", "筹备"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "取消"


class EventPlan(models.Model):
    """一月一主题: a unit's yearly plan of themed monthly promotion events."""

    year = models.PositiveSmallIntegerField("年度")
    owner = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="event_plans", verbose_name="主办单位"
    )
    title = models.CharField("计划名称", max_length=200, blank=True)
    source = models.TextField("资料来源", blank=True)
    is_demo = models.BooleanField("示例数据", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = verbose_name_plural = "年度招商活动计划"
        constraints = [
            models.UniqueConstraint(fields=["year", "owner"], name="event_plan_one_per_owner_year")
        ]

    def __str__(self) -> str:
        return self.title or f"{self.year}年招商活动计划"


class PlanMonth(models.Model):
    """One month's slot of a plan: its theme, target chains, host, date and what became of it."""

    plan = models.ForeignKey(EventPlan, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField("月份")
    theme = models.CharField("主题", max_length=100, blank=True)
    chains = models.ManyToManyField(
        "chains.Chain", blank=True, related_name="plan_months", verbose_name="目标产业链"
    )
    clusters = models.ManyToManyField(
        "chains.Cluster", blank=True, related_name="plan_months", verbose_name="目标产业集群"
    )
    host_county = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_plan_months",
        verbose_name="承办县市",
    )
    host_park = models.ForeignKey(
        "regions.Park", null=True, blank=True, on_delete=models.PROTECT, verbose_name="承办园区"
    )
    planned_date = models.DateField("计划日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.PLANNED
    )
    event = models.OneToOneField(
        Event,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_month",
        verbose_name="举办的活动",
    )
    cancel_reason = models.TextField("取消原因", blank=True)
    is_demo = models.BooleanField("示例数据", default=False)

    history = HistoricalRecords(m2m_fields=[chains, clusters])

    class Meta:
        ordering = ["plan", "month"]
        verbose_name = verbose_name_plural = "月度活动主题"
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="plan_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year}年{self.month}月：{self.theme or '未定主题'}"


class InvitationSource(models.TextChoices):
    RECOMMENDED = "recommended", "推荐"
    MANUAL = "manual", "手工"


class InvitationStatus(models.TextChoices):
    PROPOSED = "proposed", "拟邀请"
    INVITED = "invited", "已邀请"
    CONFIRMED = "confirmed", "已确认"
    ATTENDED = "attended", "出席"
    ABSENT = "absent", "未出席"


class Invitation(models.Model):
    """An enterprise on an event's invitation list, recommended by targeting or added by hand."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name="企业",
    )
    source = models.CharField("来源", max_length=16, choices=InvitationSource.choices)
    link = models.ForeignKey(
        "chains.Link", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="拟补环节"
    )
    reason = models.TextField("邀请理由", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PROPOSED
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        verbose_name="责任人",
    )
    is_demo = models.BooleanField("示例数据", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "id"]
        verbose_name = verbose_name_plural = "活动邀请名单"
        constraints = [
            models.UniqueConstraint(fields=["event", "enterprise"], name="invitation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.enterprise}"
