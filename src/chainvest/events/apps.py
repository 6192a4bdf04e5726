from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "chainvest.events"
    label = "events"
