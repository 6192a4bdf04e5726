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
