"""URL patterns of the enterprise profile and the merge queue (wired into web/urls.py)."""

from django.urls import path

from chainvest.web import views_profile as views

urlpatterns = [
    path("enterprises/<int:pk>/", views.enterprise_profile, name="enterprise_profile"),
    path(
        "enterprises/<int:pk>/links/<int:link_id>/exclude/",
        views.enterprise_link_exclude,
        name="enterprise_link_exclude",
    ),
    path(
        "enterprises/<int:pk>/links/<int:link_id>/lift/",
        views.enterprise_link_lift,
        name="enterprise_link_lift",
    ),
    path("enterprises/duplicates/", views.enterprise_duplicates, name="enterprise_duplicates"),
    path(
        "enterprises/duplicates/<int:pk>/merge/",
        views.enterprise_merge,
        name="enterprise_merge",
    ),
    path(
        "enterprises/duplicates/<int:pk>/dismiss/",
        views.enterprise_dismiss,
        name="enterprise_dismiss",
    ),
    path(
        "enterprises/duplicates/<int:pk>/branch/",
        views.enterprise_link_branch,
        name="enterprise_link_branch",
    ),
    path(
        "enterprises/merges/<int:pk>/undo/",
        views.enterprise_merge_undo,
        name="enterprise_merge_undo",
    ),
]
