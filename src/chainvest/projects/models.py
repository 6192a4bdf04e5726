from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from chainvest.chains.models import Chain, Link
from chainvest.engine.text import Money
from chainvest.enterprises.models import Enterprise, check_uscc
from chainvest.events.models import Event
from chainvest.regions.models import Park, Region


class ProjectStage(models.TextChoices):
    LEAD = "lead", "线索"
    NEGOTIATING = "negotiating", "洽谈"
    SIGNED = "signed", "签约"
    REGISTERED = "registered", "注册落地"
    CONSTRUCTION = "construction", "开工"
    PRODUCTION = "production", "投产"
    CAPACITY = "capacity", "达产"
    TERMINATED = "terminated", "终止"


# The forward path; 终止 can end any of these and is not on it.
STAGE_ORDER = [s for s in ProjectStage if s != ProjectStage.TERMINATED]
STAGE_DATE_FIELD = {stage: f"{stage.value}_date" for stage in ProjectStage}


def money_property(prefix: str) -> property:
    def getter(self) -> Money:
        return Money(
            getattr(self, f"{prefix}_min_wan"),
            getattr(self, f"{prefix}_max_wan"),
            getattr(self, f"{prefix}_text"),
        )

    return property(getter)


class InvestorOrigin(models.TextChoices):
    """Where the investor comes from, as the scope options (州外/区外/境外) need it."""

    LOCAL = "local", "州内"
    PROVINCE = "province", "区内州外"
    DOMESTIC = "domestic", "区外境内"
    OVERSEAS = "overseas", "境外"


class ProjectQuerySet(models.QuerySet):
    def with_relations(self) -> "ProjectQuerySet":
        return self.select_related("county", "park", "chain__cluster", "link", "event", "investor")

    def active(self) -> "ProjectQuerySet":
        return self.filter(archived=False)

    def signed(self) -> "ProjectQuerySet":
        """Projects that reached 签约 at some point (a later 终止 does not erase the signing)."""
        return self.active().filter(signed_date__isnull=False)


class Project(models.Model):
    """招商项目: one investment project, from lead to production."""

    name = models.CharField("项目名称", max_length=200)
    investor = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="投资方",
    )
    investor_name = models.CharField("投资方名称", max_length=200, blank=True)
    investor_uscc = models.CharField(
        "投资方统一社会信用代码",
        max_length=18,
        blank=True,
        db_index=True,
        validators=[check_uscc],
    )
    investor_origin = models.CharField(
        "投资方来源", max_length=16, choices=InvestorOrigin.choices, blank=True
    )
    county = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="projects", verbose_name="所属县市"
    )
    park = models.ForeignKey(
        Park,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="所在园区",
    )
    chain = models.ForeignKey(
        Chain,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="所属产业链",
    )
    link = models.ForeignKey(
        Link,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name="目标环节",
    )
    industry = models.CharField("行业领域", max_length=64, blank=True)
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="签约活动",
    )
    description = models.TextField("建设内容", blank=True)

    # 协议投资额 as written: exact, a lower bound (max empty) or a range.
    agreed_min_wan = models.DecimalField(
        "协议投资额下限(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    agreed_max_wan = models.DecimalField(
        "协议投资额上限(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    agreed_text = models.CharField("协议投资额(原文)", max_length=64, blank=True)
    # 计划总投资 as published (e.g. "百亿元以上"), which may differ from the agreement.
    planned_min_wan = models.DecimalField(
        "计划投资下限(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    planned_max_wan = models.DecimalField(
        "计划投资上限(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    planned_text = models.CharField("计划投资(原文)", max_length=64, blank=True)
    fixed_asset_wan = models.DecimalField(
        "固定资产投资(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )

    stage = models.CharField(
        "项目阶段", max_length=16, choices=ProjectStage.choices, default=ProjectStage.LEAD
    )
    lead_date = models.DateField("线索日期", null=True, blank=True)
    negotiating_date = models.DateField("洽谈日期", null=True, blank=True)
    signed_date = models.DateField("签约日期", null=True, blank=True)
    registered_date = models.DateField("注册落地日期", null=True, blank=True)
    construction_date = models.DateField("开工日期", null=True, blank=True)
    production_date = models.DateField("投产日期", null=True, blank=True)
    capacity_date = models.DateField("达产日期", null=True, blank=True)
    terminated_date = models.DateField("终止日期", null=True, blank=True)
    # Deadlines the alerts watch (计划开工 / 计划投产), as the agreement or the plan sets them.
    planned_construction_date = models.DateField("计划开工日期", null=True, blank=True)
    planned_production_date = models.DateField("计划投产日期", null=True, blank=True)
    terminated_reason = models.CharField("终止原因", max_length=200, blank=True)

    responsible_unit = models.CharField("责任单位", max_length=100, blank=True)
    liaison_leader = models.CharField("包联领导", max_length=64, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name="招商专员",
    )
    source = models.TextField("资料来源", blank=True)
    is_demo = models.BooleanField("示例数据", default=False)
    archived = models.BooleanField("已归档", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    agreed = money_property("agreed")
    planned = money_property("planned")

    class Meta:
        ordering = ["-signed_date", "-id"]
        verbose_name = verbose_name_plural = "招商项目"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agreed_max_wan__isnull=True)
                | models.Q(agreed_min_wan__lte=models.F("agreed_max_wan")),
                name="agreed_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def investor_display(self) -> str:
        return self.investor.name if self.investor_id else self.investor_name

    def stage_date(self, stage: str):
        return getattr(self, STAGE_DATE_FIELD[ProjectStage(stage)])

    @property
    def has_started(self) -> bool:
        """落地开工: construction began (a later 终止 keeps the fact that it started)."""
        return self.construction_date is not None


class StageChange(models.Model):
    """One move of a project between stages; corrections are recorded, never silent."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=16, choices=ProjectStage.choices)
    to_stage = models.CharField(max_length=16, choices=ProjectStage.choices)
    date = models.DateField("日期")
    is_correction = models.BooleanField("更正", default=False)
    reason = models.CharField("原因", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "阶段变更"

    def __str__(self) -> str:
        return f"{self.project}: {self.from_stage} → {self.to_stage}"


class Instruction(models.Model):
    """领导督办: a leader's instruction on a project, answered by follow-ups until closed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="instructions")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField("批示日期")
    text = models.TextField("批示内容")
    due_date = models.DateField("办理时限", null=True, blank=True)
    closed_date = models.DateField("办结日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "领导督办"

    def __str__(self) -> str:
        return f"{self.project} {self.date}"

    @property
    def is_open(self) -> bool:
        return self.closed_date is None

    def is_overdue(self, as_of) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < as_of


class FollowUp(models.Model):
    """跟进记录: a dated note on a project with the next step."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="follow_ups")
    instruction = models.ForeignKey(
        "Instruction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        verbose_name="所答督办",
    )
    date = models.DateField("日期")
    note = models.TextField("进展")
    next_step = models.CharField("下一步", max_length=200, blank=True)
    due_date = models.DateField("完成时限", null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "跟进记录"

    def __str__(self) -> str:
        return f"{self.project} {self.date}"


class EngagementKind(models.TextChoices):
    VISIT = "visit", "上门拜访"
    MEETING = "meeting", "座谈洽谈"
    CALL = "call", "电话联络"
    EVENT = "event", "活动对接"


class Engagement(models.Model):
    """精准对接: a recorded contact with an enterprise, before or without a project."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="engagements", verbose_name="企业"
    )
    chain = models.ForeignKey(
        Chain,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
        verbose_name="对接产业链",
    )
    county = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name="对接县市"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="engagements"
    )
    date = models.DateField("日期")
    kind = models.CharField("方式", max_length=16, choices=EngagementKind.choices)
    summary = models.TextField("情况", blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField("示例数据", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "精准对接"

    def __str__(self) -> str:
        return f"{self.enterprise} {self.date}"


class ProjectMonth(models.Model):
    """One month of a project's realisation: funds arrived, fixed assets completed, jobs."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="months")
    month = models.DateField("月份")  # always the first day of the month
    funds_arrived_wan = models.DecimalField(
        "当月到位资金(万元)", max_digits=18, decimal_places=4, default=0
    )
    fixed_asset_done_wan = models.DecimalField(
        "当月完成固定资产投资(万元)", max_digits=18, decimal_places=4, default=0
    )
    jobs_created = models.PositiveIntegerField("当月新增就业(人)", default=0)
    note = models.CharField("说明", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["month"]
        verbose_name = verbose_name_plural = "项目月度进展"
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="one_row_per_project_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m}"


class SigningKind(models.TextChoices):
    FIRST = "first", "首次签约"
    RESIGN = "resign", "重复签约"
    UPGRADE = "upgrade", "升级签约"


class SigningDocument(models.TextChoices):
    PROTOCOL = "protocol", "投资协议（框架协议）"
    CONTRACT = "contract", "正式合同"


# A formal contract supersedes a protocol; signing the same document again upgrades nothing.
DOCUMENT_RANK = {SigningDocument.PROTOCOL: 0, SigningDocument.CONTRACT: 1}


class Signing(models.Model):
    """签约登记: one signing of one project, at an event or on its own.

    A project counts once, at its first signing; later signings are flagged as re-signings
    (重复签约, counted nowhere) or upgrades (升级签约, counting only the increment).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="signings")
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signings",
        verbose_name="签约活动",
    )
    date = models.DateField("签约日期")
    kind = models.CharField("签约类型", max_length=16, choices=SigningKind.choices)
    document = models.CharField(
        "签约文本", max_length=16, choices=SigningDocument.choices, default=SigningDocument.PROTOCOL
    )
    amount_min_wan = models.DecimalField(
        "签约金额下限(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    amount_max_wan = models.DecimalField(
        "签约金额上限(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    amount_text = models.CharField("签约金额(原文)", max_length=64, blank=True)
    # What this signing adds to the project's counted investment (0 for a re-signing).
    increment_min_wan = models.DecimalField(
        "新增金额下限(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    increment_max_wan = models.DecimalField(
        "新增金额上限(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    note = models.CharField("说明", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    amount = money_property("amount")

    class Meta:
        ordering = ["date", "id"]
        verbose_name = verbose_name_plural = "签约登记"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "event"],
                condition=models.Q(event__isnull=False),
                name="one_signing_per_project_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.date} {self.get_kind_display()}"

    @property
    def increment(self) -> Money:
        return Money(self.increment_min_wan, self.increment_max_wan, "")


class EvidenceKind(models.TextChoices):
    AGREEMENT = "agreement", "签约协议/合同"
    LICENCE = "licence", "营业执照"
    PERMIT = "permit", "施工许可证"
    PHOTO = "photo", "现场照片"
    OTHER = "other", "其他材料"


class Evidence(models.Model):
    """佐证材料: a file that backs a stage claim (the setting decides which stages need one)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evidence")
    stage = models.CharField("对应阶段", max_length=16, choices=ProjectStage.choices)
    kind = models.CharField("材料类型", max_length=16, choices=EvidenceKind.choices)
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    archived = models.BooleanField("已归档", default=False)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return f"{self.project} {self.get_stage_display()} {self.get_kind_display()}"


class ReferrerKind(models.TextChoices):
    LOCAL_ENTERPRISE = "local", "本地企业"
    CHAIN_LEADER = "chain_leader", "链主企业"
    INTERMEDIARY = "intermediary", "中介机构/商协会"
    PERSON = "person", "招商顾问/个人"


class Referral(models.Model):
    """以商招商: who brought the project, and what they committed to (supply, offtake)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="referral")
    kind = models.CharField("引荐方类型", max_length=16, choices=ReferrerKind.choices)
    referrer = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name="引荐企业",
    )
    referrer_name = models.CharField("引荐方", max_length=200)
    supplies = models.BooleanField("承诺配套供应", default=False)
    offtake = models.BooleanField("承诺采购/包销", default=False)
    commitments = models.TextField("承诺内容", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "以商招商"

    def __str__(self) -> str:
        return f"{self.referrer_name} → {self.project}"
