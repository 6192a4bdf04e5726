"""URL patterns of the news review pages (wired into web/urls.py)."""

from django.urls import path

from chainvest.web import views_news as views

urlpatterns = [
    path("events/news/", views.news_ingest, name="news_ingest"),
    path("events/news/accept/", views.news_accept, name="news_accept"),
]
