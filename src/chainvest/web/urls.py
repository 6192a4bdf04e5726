from django.contrib.auth import views as auth_views
from django.urls import path

from chainvest.web import (
    urls_chains,
    urls_events,
    urls_import,
    urls_indicators,
    urls_news,
    urls_profile,
    urls_search,
    urls_signing,
    urls_targets,
    urls_tokens,
    views,
)

app_name = "web"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("chains/", views.chain_list, name="chains"),
    path("chains/<slug:code>/", views.chain_detail, name="chain"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/stage/", views.project_transition, name="project_transition"),
    path("projects/<int:pk>/follow-ups/", views.project_follow_up, name="project_follow_up"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
]
# The enterprise-pool pages keep their routes beside their views.
urlpatterns += urls_search.urlpatterns + urls_import.urlpatterns + urls_profile.urlpatterns
# Counting rules, signings, money over time, alerts and event follow-through.
urlpatterns += urls_signing.urlpatterns
# The chain map pages and their exports.
urlpatterns += urls_chains.urlpatterns
# Reading news reports into draft events.
urlpatterns += urls_news.urlpatterns

# 精准招商: a link's targets and their conversion.
urlpatterns += urls_targets.urlpatterns

# Economic indicators beside the promotion figures.
urlpatterns += urls_indicators.urlpatterns
# API tokens (访问令牌): list, create, revoke.
urlpatterns += urls_tokens.urlpatterns
# 一月一主题 and each event's invitation list.
urlpatterns += urls_events.urlpatterns
