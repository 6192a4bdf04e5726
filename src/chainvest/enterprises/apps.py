from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "chainvest.enterprises"
    label = "enterprises"
