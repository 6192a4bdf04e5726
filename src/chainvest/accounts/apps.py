from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chainvest.accounts"
    label = "accounts"
