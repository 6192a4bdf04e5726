"""URL patterns of the chain map's link panel and the chain exports (wired into web/urls.py)."""

from django.urls import path

from chainvest.web import views_chains as views

urlpatterns = [
    path("chains/export.xlsx", views.chains_xlsx, name="chains_xlsx"),
    path("chains/<slug:code>/links/<int:link_id>/", views.chain_link, name="chain_link"),
    path("chains/<slug:code>/export.xlsx", views.chain_xlsx, name="chain_xlsx"),
    path("chains/<slug:code>/report.docx", views.chain_docx, name="chain_docx"),
]
