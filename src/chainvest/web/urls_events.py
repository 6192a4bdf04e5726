"""URL patterns of 一月一主题 (the yearly event plan) and the events' invitation lists."""

from django.urls import path

from chainvest.web import views_events as views

urlpatterns = [
    path("events/plan/<int:year>/", views.event_plan, name="event_plan"),
    path("events/plan/<int:year>/<int:month>/", views.plan_month, name="plan_month"),
    path("events/plan/<int:year>/<int:month>/edit/", views.plan_month_edit, name="plan_month_edit"),
    path("events/plan/<int:year>/<int:month>/held/", views.plan_month_held, name="plan_month_held"),
    path(
        "events/plan/<int:year>/<int:month>/cancel/",
        views.plan_month_cancel,
        name="plan_month_cancel",
    ),
    path("events/<int:pk>/invitations/recommend/", views.invite_targets, name="invite_targets"),
    path("events/<int:pk>/invitations/add/", views.invitee_add, name="invitee_add"),
    path("events/<int:pk>/invitations.xlsx", views.invitations_export, name="invitations_xlsx"),
    path("invitations/<int:pk>/", views.invitation_update, name="invitation_update"),
    path("invitations/<int:pk>/remove/", views.invitation_remove, name="invitation_remove"),
]
