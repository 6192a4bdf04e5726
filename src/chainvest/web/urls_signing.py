"""URL patterns of the counting, signing, money, alert and follow-through pages."""

from django.urls import path

from chainvest.web import views_kpis, views_signing

urlpatterns = [
    path("reports/kpis/", views_kpis.kpi_overview, name="kpis"),
    path("reports/kpis/<slug:key>/", views_kpis.kpi_drill, name="kpi_drill"),
    path("settings/counting-rule/", views_kpis.counting_rule, name="counting_rule"),
    path("projects/<int:pk>/signings/", views_signing.project_signing, name="project_signing"),
    path("projects/<int:pk>/evidence/", views_signing.project_evidence, name="project_evidence"),
    path("projects/<int:pk>/months/", views_signing.project_month, name="project_month"),
    path(
        "projects/<int:pk>/instructions/",
        views_signing.project_instruction,
        name="project_instruction",
    ),
    path("instructions/<int:pk>/reply/", views_signing.instruction_reply, name="instruction_reply"),
    path(
        "events/<int:pk>/export.<str:fmt>",
        views_kpis.event_export,
        name="event_export",
    ),
    path("reports/periodic.xlsx", views_kpis.periodic_report, name="periodic_report"),
    path("reports/periodic.docx", views_kpis.periodic_briefing, name="periodic_briefing"),
    path("projects/<int:pk>/referral/", views_signing.project_referral, name="project_referral"),
    path("reports/referrals/", views_kpis.referrals, name="referrals"),
    path("attention/", views_kpis.attention, name="attention"),
    path("settings/alert-rule/", views_kpis.alert_rule, name="alert_rule"),
    path("evidence/<int:pk>/", views_signing.evidence_file, name="evidence_file"),
]
