from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "chainvest.projects"
    label = "projects"
