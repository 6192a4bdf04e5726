"""URL patterns of the enterprise import pages (wired into web/urls.py)."""

from django.urls import path

from chainvest.web import views_import as views

urlpatterns = [
    path("enterprises/import/", views.enterprise_import, name="enterprise_import"),
    path("enterprises/import/map/", views.enterprise_import_map, name="enterprise_import_map"),
    path(
        "enterprises/import/template.xlsx",
        views.enterprise_import_template,
        name="enterprise_import_template",
    ),
    path(
        "enterprises/import/<int:pk>/",
        views.enterprise_import_result,
        name="enterprise_import_result",
    ),
    path(
        "enterprises/import/<int:pk>/status/",
        views.enterprise_import_status,
        name="enterprise_import_status",
    ),
    path(
        "enterprises/import/<int:pk>/report.xlsx",
        views.enterprise_import_report,
        name="enterprise_import_report",
    ),
]
