from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "chainvest.demo"
    label = "demo"
