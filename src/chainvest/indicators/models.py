"""Regional economic indicators (地区生产总值, 固定资产投资 …) by period, beside the promotion
figures. The list of indicators is fixed here, each with its unit, so figures stay comparable."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import models

from chainvest.regions.models import Region


class Indicator(models.TextChoices):
    GDP = "gdp", "地区生产总值"
    GDP_GROWTH = "gdp_growth", "地区生产总值增速"
    FAI = "fai", "固定资产投资完成额"
    FAI_GROWTH = "fai_growth", "固定资产投资增速"
    INDUSTRY_GROWTH = "industry_growth", "规上工业增加值增速"
    FUNDS_ARRIVED = "funds_arrived", "招商引资到位资金"


UNITS = {
    Indicator.GDP: "亿元",
    Indicator.GDP_GROWTH: "%",
    Indicator.FAI: "亿元",
    Indicator.FAI_GROWTH: "%",
    Indicator.INDUSTRY_GROWTH: "%",
    Indicator.FUNDS_ARRIVED: "亿元",
}

# Other names an import file may use for an indicator (the label itself always works).
ALIASES = {
    "GDP": Indicator.GDP,
    "GDP增速": Indicator.GDP_GROWTH,
    "固定资产投资": Indicator.FAI,
    "固定资产投资额": Indicator.FAI,
    "固定资产投资增长": Indicator.FAI_GROWTH,
    "规模以上工业增加值增速": Indicator.INDUSTRY_GROWTH,
    "规上工业增加值增长": Indicator.INDUSTRY_GROWTH,
}


def indicator_from_text(text: str) -> str | None:
    """An indicator's code from its label, an alias or the code itself; None if unknown."""
    text = text.strip()
    by_label = {label: code for code, label in Indicator.choices}
    return by_label.get(text) or ALIASES.get(text) or (text if text in Indicator.values else None)


class PeriodKind(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


@dataclass(frozen=True)
class Period:
    """A reporting period: a year, a quarter or a month. Values follow the statistics bureau's
    practice of cumulating from January (a Q2 figure is 上半年, a June figure is 1–6月)."""

    year: int
    kind: str
    number: int  # month 1–12, quarter 1–4, 0 for a year

    @property
    def code(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return str(self.year)
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.year}年"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}年1—{self.number}季度" if self.number > 1 else f"{self.year}年1季度"
        return f"{self.year}年1—{self.number}月" if self.number > 1 else f"{self.year}年1月"

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """By the last month covered; at the same month a year sorts after a quarter/month."""
        end = {PeriodKind.YEAR: 12, PeriodKind.QUARTER: 3 * self.number}.get(self.kind, self.number)
        order = {PeriodKind.MONTH: 0, PeriodKind.QUARTER: 1, PeriodKind.YEAR: 2}[self.kind]
        return (self.year, end, order)


_PATTERNS = [
    (re.compile(r"^(\d{4})\s*年?$"), PeriodKind.YEAR),
    (re.compile(r"^(\d{4})\s*[-年]?\s*(?:Q|第)\s*([1-4])\s*(?:季度)?$", re.I), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})\s*[-年/.]\s*(\d{1,2})\s*月?$"), PeriodKind.MONTH),
]


def parse_period(text: str) -> Period:
    """'2023', '2023年', '2023-Q2', '2023年第2季度', '2023-06', '2023年6月' → Period."""
    text = str(text).strip()
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        number = int(match.group(2)) if kind != PeriodKind.YEAR else 0
        if kind == PeriodKind.MONTH and not 1 <= number <= 12:
            break
        if 1990 <= year <= 2100:
            return Period(year, kind, number)
    raise ValueError(f"期间「{text}」应写成 2023（年）、2023-Q2（季度）或 2023-06（月）")


class EconomicIndicatorQuerySet(models.QuerySet):
    def for_region(self, region: Region) -> EconomicIndicatorQuerySet:
        return self.filter(region=region).select_related("region")


class EconomicIndicator(models.Model):
    """One published (or illustrative) figure of one region for one period."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="indicators", verbose_name="地区"
    )
    indicator = models.CharField("指标", max_length=32, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField("年份")
    period_kind = models.CharField("期间类型", max_length=8, choices=PeriodKind.choices)
    period_number = models.PositiveSmallIntegerField("月份/季度", default=0)
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    unit = models.CharField("单位", max_length=8)
    source = models.CharField("来源", max_length=300)
    is_demo = models.BooleanField("示例数据", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EconomicIndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "经济指标"
        ordering = ["region__code", "indicator", "year", "period_kind", "period_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "indicator", "year", "period_kind", "period_number"],
                name="indicator_once_per_region_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.period.label} {self.get_indicator_display()}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.period_kind, self.period_number)

    @property
    def display(self) -> str:
        return f"{self.value.normalize():f}{self.unit}"
