from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "chainvest.chains"
    label = "chains"
