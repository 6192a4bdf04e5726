"""URL patterns of 精准招商: a link's targets, the chain map partial, export, conversion."""

from django.urls import path

from chainvest.web import views_targets as views

urlpatterns = [
    path("growth/", views.growth_page, name="growth"),
    path("links/<int:link_id>/targets/", views.link_targets, name="link_targets"),
    path("links/<int:link_id>/targets/panel/", views.link_targets_panel, name="link_targets_panel"),
    path("links/<int:link_id>/targets.xlsx", views.link_targets_xlsx, name="link_targets_xlsx"),
    path(
        "links/<int:link_id>/targets/<int:enterprise_id>/convert/",
        views.target_convert,
        name="target_convert",
    ),
]
