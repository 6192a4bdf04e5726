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
    business_scope = models.TextField("经营范围", blank=True)
    status = models.CharField("登记状态", max_length=32, blank=True)
    is_chain_leader = models.BooleanField("链主企业", default=False)
    is_demo = models.BooleanField("示例数据", default=False)
    archived = models.BooleanField("已归档", default=False)

    history = HistoricalRecords()
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
