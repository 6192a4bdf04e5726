from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from chainvest.engine.diagnosis import Thresholds
from chainvest.regions.models import IndustryCode

DEFAULT_THRESHOLDS = Thresholds()


class Cluster(models.Model):
    """产业集群: a group of chains (Xinjiang names eight)."""

    code = models.SlugField("代码", max_length=48, unique=True)
    name = models.CharField("名称", max_length=64, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    description = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = verbose_name_plural = "产业集群"

    def __str__(self) -> str:
        return self.name


class ChainQuerySet(models.QuerySet):
    def with_cluster(self) -> "ChainQuerySet":
        return self.select_related("cluster")


class Chain(models.Model):
    """产业链: one industrial chain of a cluster."""

    code = models.SlugField("代码", max_length=48, unique=True)
    name = models.CharField("名称", max_length=64, unique=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="chains", verbose_name="产业集群"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    description = models.TextField("说明", blank=True)
    chief_title = models.CharField("链长", max_length=64, blank=True)
    sources = models.TextField("资料来源", blank=True)
    is_demo = models.BooleanField("示例数据", default=False)
    # The diagnosis bars of this chain (docs/diagnosis.md); the defaults suit most chains.
    strong_min_enterprises = models.PositiveSmallIntegerField(
        "强链门槛：本地企业数", default=DEFAULT_THRESHOLDS.strong_min_enterprises
    )
    strong_min_capital_wan = models.DecimalField(
        "强链门槛：注册资本合计(万元)",
        max_digits=18,
        decimal_places=4,
        default=Decimal(str(DEFAULT_THRESHOLDS.strong_min_capital_wan)),
        validators=[MinValueValidator(0)],
    )
    strong_min_lq = models.FloatField(
        "强链门槛：区位商",
        default=DEFAULT_THRESHOLDS.strong_min_lq,
        validators=[MinValueValidator(0)],
        help_text="本地在该环节的集中度与全国之比；1 表示与全国持平，0 表示不看区位商。",
    )
    build_max_completeness = models.FloatField(
        "建链：完整度低于",
        default=DEFAULT_THRESHOLDS.build_max_completeness,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    build_min_relatedness = models.FloatField(
        "建链：关联度不低于",
        default=DEFAULT_THRESHOLDS.build_min_relatedness,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    objects = ChainQuerySet.as_manager()
    # Template imports and UI edits are kept; flows are described in the change reason.
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = verbose_name_plural = "产业链"

    def __str__(self) -> str:
        return self.name

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(
            strong_min_enterprises=self.strong_min_enterprises,
            strong_min_capital_wan=float(self.strong_min_capital_wan),
            strong_min_lq=self.strong_min_lq,
            build_max_completeness=self.build_max_completeness,
            build_min_relatedness=self.build_min_relatedness,
        )

    def link_tree(self) -> list[dict]:
        """The links as nested dicts (one query), roots in order, children under parents."""
        links = list(self.links.order_by("order", "id").prefetch_related("industry_codes"))
        nodes = {link.id: {"link": link, "children": []} for link in links}
        roots = []
        for link in links:
            target = nodes[link.parent_id]["children"] if link.parent_id in nodes else roots
            target.append(nodes[link.id])
        return roots


class Stage(models.TextChoices):
    UPSTREAM = "upstream", "上游"
    MIDSTREAM = "midstream", "中游"
    DOWNSTREAM = "downstream", "下游"


class Link(models.Model):
    """环节: one segment of a chain; links form a tree under the chain."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="links")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.SlugField("代码", max_length=64)
    name = models.CharField("名称", max_length=64)
    stage = models.CharField("环节位置", max_length=16, choices=Stage.choices)
    keywords = models.JSONField("关键词", default=list, blank=True)
    products = models.JSONField("主要产品", default=list, blank=True)
    industry_codes = models.ManyToManyField(
        IndustryCode, blank=True, related_name="links", verbose_name="行业分类"
    )
    # The chain's flows: this link's output is an input of those links (a graph, not a tree).
    feeds = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="fed_by", verbose_name="供给环节"
    )
    weight = models.PositiveSmallIntegerField("重要程度", default=1)
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["chain", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "code"], name="link_code_unique_in_chain")
        ]
        verbose_name = verbose_name_plural = "产业链环节"

    def __str__(self) -> str:
        return f"{self.chain.name} · {self.name}"


class ChainChief(models.Model):
    """链长: the official in charge of a chain (链长制); a chain may have a chief and deputies."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="chiefs")
    name = models.CharField("姓名", max_length=64)
    title = models.CharField("职务", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_demo = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["chain", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="chain_chief_unique")]
        verbose_name = verbose_name_plural = "链长"

    def __str__(self) -> str:
        return f"{self.title}{self.name}" if self.title else self.name


class ChainLeader(models.Model):
    """链主企业: an anchor enterprise the chain is built around."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="leaders")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="chain_leaderships",
        verbose_name="企业",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_demo = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["chain", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "enterprise"], name="chain_leader_unique")
        ]
        verbose_name = verbose_name_plural = "链主企业"

    def __str__(self) -> str:
        return f"{self.chain} · {self.enterprise}"


class LinkStatus(models.TextChoices):
    STRONG = "strong", "优势环节"
    WEAK = "weak", "薄弱环节"
    MISSING = "missing", "缺失环节"
    FILLING = "filling", "在补环节"


class ChainSnapshot(models.Model):
    """One chain's diagnosis as it stood in one month, for one region."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="snapshots")
    region_code = models.CharField("区划代码", max_length=6)
    month = models.DateField("月份", help_text="该月第一天")
    as_of = models.DateField("统计截止日")
    completeness = models.FloatField("完整度")
    matching_rate = models.FloatField("本地配套率", null=True, blank=True)
    action = models.CharField("链级建议", max_length=8, blank=True)
    taken_at = models.DateTimeField("生成时间", auto_now=True)

    class Meta:
        ordering = ["chain", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "region_code", "month"], name="chain_snapshot_one_a_month"
            )
        ]
        verbose_name = verbose_name_plural = "产业链月度诊断"

    def __str__(self) -> str:
        return f"{self.chain} {self.month:%Y-%m}"


class LinkSnapshot(models.Model):
    """One link's status and counts inside a chain snapshot."""

    snapshot = models.ForeignKey(ChainSnapshot, on_delete=models.CASCADE, related_name="links")
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="snapshots")
    status = models.CharField("状态", max_length=8, choices=LinkStatus.choices)
    action = models.CharField("建议", max_length=8, blank=True)
    local_count = models.PositiveIntegerField("本地企业数")
    local_capital_wan = models.DecimalField("注册资本合计(万元)", max_digits=20, decimal_places=4)
    leader_count = models.PositiveIntegerField("链主企业数")
    pipeline_signed = models.PositiveIntegerField("签约待开工项目数")
    pipeline_building = models.PositiveIntegerField("开工及以后项目数")
    location_quotient = models.FloatField("区位商", null=True, blank=True)
    # The projects that targeted the link then, so a later month can say who filled the gap.
    project_ids = models.JSONField("瞄准项目", default=list, blank=True)

    class Meta:
        ordering = ["snapshot", "link__order", "link_id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "link"], name="link_snapshot_unique")
        ]
        verbose_name = verbose_name_plural = "环节月度诊断"

    def __str__(self) -> str:
        return f"{self.link_id} {self.get_status_display()}"
