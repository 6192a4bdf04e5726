"""The demo's fourth event: follow-through as of today, and one flagged re-signed project."""

from django.utils import timezone

from chainvest.events.models import Event
from chainvest.projects.models import Project, Signing
from chainvest.reports.briefing import event_report
from chainvest.reports.queries import summary
from tests.web.factories import D


def test_fourth_event_flags_one_resigned_project_and_still_counts_17_and_1026(demo):
    event = Event.objects.get(date=D(2023, 8, 18))
    report = event_report(event)
    assert [r.project.name for r in report.resigned] == ["嵩山小麦精深加工项目"]
    assert len(report.signed) == 17
    assert report.figures["investment"].money.min_wan == 10_260_000
    assert "另有1个项目系此前已签约项目再次签约，不重复计入" in report.briefing
    assert summary(2023)["signed_count"] == 59


def test_fourth_event_rates_as_of_today_come_from_its_projects(demo):
    event = Event.objects.get(date=D(2023, 8, 18))
    report = event_report(event)
    assert report.as_of == timezone.localdate()
    projects = Project.objects.filter(event=event)
    started = projects.filter(construction_date__isnull=False).count()
    assert report.figures["start"].numerator == started
    assert report.figures["start"].denominator == 17


def test_loading_the_demo_twice_adds_no_signings(demo):
    from chainvest.demo.loader import load_demo

    before = Signing.objects.count()
    assert before == 2
    assert load_demo()["created"]["signings"] == 0
    assert Signing.objects.count() == before
