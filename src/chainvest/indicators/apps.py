from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "chainvest.indicators"
    label = "indicators"
    verbose_name = "经济指标"
