"""URL patterns of the chain map's link panel, the chain exports and the chain editing.

Wired into web/urls.py."""

from django.urls import path

from chainvest.web import views_chain_edit as edit
from chainvest.web import views_chains as views

urlpatterns = [
    path("chains/export.xlsx", views.chains_xlsx, name="chains_xlsx"),
    path("chains/templates/import/", edit.chain_template_import, name="chain_template_import"),
    path("chains/<slug:code>/template.yaml", edit.chain_template, name="chain_template"),
    path("chains/<slug:code>/edit/", edit.chain_edit, name="chain_edit"),
    path("chains/<slug:code>/links/<int:link_id>/", views.chain_link, name="chain_link"),
    path("chains/<slug:code>/export.xlsx", views.chain_xlsx, name="chain_xlsx"),
    path("chains/<slug:code>/report.docx", views.chain_docx, name="chain_docx"),
]
