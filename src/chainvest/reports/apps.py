from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "chainvest.reports"
    label = "reports"
