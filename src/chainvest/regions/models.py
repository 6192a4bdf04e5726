from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "地级"
    COUNTY = "county", "县级"


class RegionQuerySet(models.QuerySet):
    def counties_of(self, code: str) -> "RegionQuerySet":
        return self.filter(parent__code=code, level=RegionLevel.COUNTY).order_by("code")


class Region(models.Model):
    """A GB/T 2260 administrative division: province, prefecture-level city or county."""

    code = models.CharField("区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=64)
    short_name = models.CharField("简称", max_length=32, blank=True)
    level = models.CharField("级别", max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    latitude = models.FloatField("纬度", null=True, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_within(self, other: "Region") -> bool:
        """True if this division is `other` or lies inside it.

        GB/T 2260 codes nest by a fixed prefix per level (2/4/6 digits); stripping trailing
        zeros instead would put 阿勒泰 654301 inside 伊犁州 654000.
        """
        prefix = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4}.get(other.level, 6)
        return self.code.startswith(other.code[:prefix])


class ParkLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    REGIONAL = "regional", "自治区级"
    OTHER = "other", "其他"


class Park(models.Model):
    """A development zone or industrial park; it signs projects like a county does."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64, unique=True)
    short_name = models.CharField("简称", max_length=32)
    level = models.CharField("级别", max_length=16, choices=ParkLevel.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="parks", verbose_name="所在区划"
    )
    latitude = models.FloatField("纬度", null=True, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "园区"

    def __str__(self) -> str:
        return self.short_name


class IndustryLevel(models.IntegerChoices):
    SECTION = 1, "门类"
    DIVISION = 2, "大类"
    GROUP = 3, "中类"
    CLASS = 4, "小类"


class IndustryCode(models.Model):
    """One entry of GB/T 4754-2017 (国民经济行业分类)."""

    code = models.CharField("代码", max_length=4, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=IndustryLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "国民经济行业分类"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
