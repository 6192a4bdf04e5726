"""URL patterns of the counting, signing, money, alert and follow-through pages."""

from django.urls import path

from chainvest.web import views_kpis

urlpatterns = [
    path("reports/kpis/", views_kpis.kpi_overview, name="kpis"),
    path("reports/kpis/<slug:key>/", views_kpis.kpi_drill, name="kpi_drill"),
    path("settings/counting-rule/", views_kpis.counting_rule, name="counting_rule"),
]
