from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "chainvest.web"
    label = "web"
