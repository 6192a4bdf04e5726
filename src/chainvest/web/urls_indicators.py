"""URL patterns of the economic-indicator pages."""

from django.urls import path

from chainvest.web import views_indicators

urlpatterns = [
    path("indicators/", views_indicators.indicators, name="indicators"),
    path("indicators/import/", views_indicators.indicator_import, name="indicator_import"),
]
