from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "chainvest.regions"
    label = "regions"
