from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from chainvest.chains.models import Link
from chainvest.engine.text import USCCError, validate_uscc
from chainvest.regions.models import IndustryCode, Park, Region


def check_uscc(value: str) -> None:
    try:
        validate_uscc(value)
    except USCCError as exc:
        raise ValidationError(str(exc), code="uscc") from exc


HISTORY_UNINDEXED = [
    "name",
    "name_key",
    "uscc",
    "region",
    "park",
    "industry",
    "merged_into",
    "import_batch",
]


class EnterpriseQuerySet(models.QuerySet):
    def with_place(self) -> "EnterpriseQuerySet":
        return self.select_related("region", "park", "industry")


class Enterprise(models.Model):
    """An enterprise of the pool, here or elsewhere in China."""

    name = models.CharField("企业名称", max_length=200, db_index=True)
    uscc = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[check_uscc],
    )
    former_names = models.JSONField("曾用名", default=list, blank=True)
    # Name folded for matching (full/half-width brackets, spaces, case); see enterprises.names.
    name_key = models.CharField("名称匹配键", max_length=200, blank=True, db_index=True)
    legal_representative = models.CharField("法定代表人", max_length=100, blank=True)
    established_date = models.DateField("成立日期", null=True, blank=True)
    enterprise_type = models.CharField("企业类型", max_length=100, blank=True)
    address = models.CharField("注册地址", max_length=300, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属区划"
    )
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.PROTECT, verbose_name="所在园区"
    )
    industry = models.ForeignKey(
        IndustryCode, null=True, blank=True, on_delete=models.PROTECT, verbose_name="国标行业"
    )
    registered_capital_wan = models.DecimalField(
        "注册资本(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    # The capital as the vendor wrote it ("200万美元"); the 万元 figure is only set for CNY.
    registered_capital_text = models.CharField("注册资本(原文)", max_length=64, blank=True)
    registered_capital_currency = models.CharField("注册资本币种", max_length=8, default="CNY")
    paid_in_capital_wan = models.DecimalField(
        "实缴资本(万元)", max_digits=18, decimal_places=4, null=True, blank=True
    )
    insured_count = models.PositiveIntegerField("参保人数", null=True, blank=True)
    is_listed = models.BooleanField("上市企业", default=False)
    business_scope = models.TextField("经营范围", blank=True)
    status = models.CharField("登记状态", max_length=32, blank=True)
    is_chain_leader = models.BooleanField("链主企业", default=False)
    is_demo = models.BooleanField("示例数据", default=False)
    archived = models.BooleanField("已归档", default=False)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name="已合并到",
    )
    import_batch = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="最近导入批次",
    )

    # History is read per enterprise (id) and by date; indexing its other columns would only
    # tax every import and merge, which write one history row per enterprise touched.
    history = HistoricalRecords(no_db_index=HISTORY_UNINDEXED)
    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "企业"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.uscc:
            try:
                self.uscc = validate_uscc(self.uscc)
            except USCCError:
                pass  # the field's validator has already reported it, with the same message


class AssignmentSource(models.TextChoices):
    MANUAL = "manual", "人工"
    AUTO = "auto", "自动"


class EnterpriseLink(models.Model):
    """An enterprise placed on a chain link, by hand or by the classifier."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="link_set")
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="enterprise_set")
    source = models.CharField("来源", max_length=8, choices=AssignmentSource.choices)
    confidence = models.FloatField("置信度", default=1.0)
    reasons = models.JSONField("依据", default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "link"], name="one_assignment_per_link"),
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0) & models.Q(confidence__lte=1),
                name="confidence_between_0_and_1",
            ),
        ]
        verbose_name = verbose_name_plural = "企业环节归属"

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.link}"


class LinkExclusion(models.Model):
    """ "Not on this link" (人工排除), said by an analyst: classification never places it there.

    Kept apart from EnterpriseLink, whose every row means "on this link" to the queries that
    read placements (search, snapshot, reports, targeting).
    """

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="link_exclusions"
    )
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="exclusions")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="排除人",
    )
    created_at = models.DateTimeField("排除时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "link"], name="one_exclusion_per_link")
        ]
        verbose_name = verbose_name_plural = "人工排除的环节"

    def __str__(self) -> str:
        return f"{self.enterprise} ✗ {self.link}"


class RelationKind(models.TextChoices):
    SUPPLIES = "supplies", "供应"
    BUYS_FROM = "buys_from", "采购"
    INVESTS_IN = "invests_in", "投资"


class EnterpriseRelation(models.Model):
    """A tie between two enterprises: `source` supplies / buys from / invests in `target`."""

    source = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField("关系", max_length=16, choices=RelationKind.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="relation_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="relation_not_self"
            ),
        ]
        verbose_name = verbose_name_plural = "企业关系"

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class ImportStatus(models.TextChoices):
    RUNNING = "running", "导入中"
    FAILED = "failed", "导入失败"
    DONE = "done", "已完成"


class ImportBatch(models.Model):
    """One import of a vendor file: its progress, outcome and the row-by-row error report."""

    file_name = models.CharField("文件名", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ImportStatus.choices)
    skip_invalid = models.BooleanField("跳过错误行", default=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    column_map = models.JSONField("列映射", default=dict, blank=True)
    errors = models.JSONField("错误明细", default=list, blank=True)
    report_path = models.CharField("错误报告", max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "企业导入批次"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class DuplicateReason(models.TextChoices):
    SAME_USCC = "uscc", "统一社会信用代码相同"
    SAME_NAME = "name", "名称相同（全半角、空格差异）"
    FORMER_NAME = "former_name", "曾用名相同"
    BRANCH = "branch", "分公司与总公司"


class CandidateStatus(models.TextChoices):
    OPEN = "open", "待处理"
    MERGED = "merged", "已合并"
    DISMISSED = "dismissed", "非重复"


class DuplicateCandidate(models.Model):
    """A pair that may be one enterprise, waiting in the merge queue."""

    first = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("原因", max_length=16, choices=DuplicateReason.choices)
    score = models.FloatField("相似度", default=1.0)
    status = models.CharField(
        max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="duplicate_pair_ordered"
            ),
        ]
        verbose_name = verbose_name_plural = "疑似重复企业"

    def __str__(self) -> str:
        return f"{self.first} ~ {self.second}"


class MergeRecord(models.Model):
    """A merge of `merged` into `survivor`, with what moved, so it can be undone."""

    survivor = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved = models.JSONField("迁移记录", default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = verbose_name_plural = "企业合并记录"

    def __str__(self) -> str:
        return f"{self.merged} → {self.survivor}"
