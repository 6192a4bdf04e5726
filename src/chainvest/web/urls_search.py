"""URL patterns of 企业检索 (wired into web/urls.py, namespace "web")."""

from django.urls import path

from chainvest.web import views_search as views

urlpatterns = [
    path("enterprises/", views.enterprise_search, name="enterprise_search"),
    path(
        "enterprises/search-options/",
        views.enterprise_search_options,
        name="enterprise_search_options",
    ),
]
