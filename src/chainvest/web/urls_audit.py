"""URL patterns of 操作审计 (wired into web/urls.py): read and export only, never write."""

from django.urls import path

from chainvest.web import views_audit as views

urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.xlsx", views.audit_xlsx, name="audit_xlsx"),
]
