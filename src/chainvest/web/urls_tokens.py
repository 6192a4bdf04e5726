"""URL patterns of the API token page (wired into web/urls.py)."""

from django.urls import path

from chainvest.web import views_tokens as views

urlpatterns = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
