from django.db import models

from chainvest.regions.models import IndustryCode


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

    objects = ChainQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = verbose_name_plural = "产业链"

    def __str__(self) -> str:
        return self.name

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

    class Meta:
        ordering = ["chain", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "code"], name="link_code_unique_in_chain")
        ]
        verbose_name = verbose_name_plural = "产业链环节"

    def __str__(self) -> str:
        return f"{self.chain.name} · {self.name}"
