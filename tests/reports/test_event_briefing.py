"""Per-event follow-through, and a briefing whose every number equals the records'.

The fourth event (08-18) signs A 装备制造 10亿 (started 09-01, 4亿 arrived), B 生物医药 5亿
(registered 10-01), C 新材料 6亿 (terminated 11-01). D (first signed at the first event, 03-10,
2亿) is upgraded at the fourth to 3亿 (+1亿); E (first event, 4亿) is signed there again.

By hand, as of 12-31: signed 3, total 10+5+6 = 21亿 + D's 1亿 = 22亿; 履约 (not terminated)
2/3 = 66.7%; 开工 1/3 = 33.3%; 投产 0/3 = 0.0%; 资金到位 4 ÷ 21 = 19.0%.
"""

import re
from decimal import Decimal

import pytest
from django.db.models import Sum

from chainvest.projects.models import Project, ProjectMonth, Signing
from chainvest.projects.services import record_month, record_signing, transition_project
from chainvest.reports.briefing import event_report
from tests.web import factories as f
from tests.web.factories import D

AS_OF = D(2023, 12, 31)


@pytest.fixture
def fourth(cast, changji):
    officer, county = cast["qitai"], changji["qitai"]
    e1 = f.event("第一场推介会", D(2023, 3, 10), place="昌吉市")
    e4 = f.event("第四场推介会", D(2023, 8, 18), place="新疆国际会展中心", occasion="亚欧博览会")

    def signed(name, agreed, event, industry):
        return f.project(
            officer, county, name, agreed=agreed, signed=event.date, event_id=event.id,
            industry=industry,
        )  # fmt: skip

    a = signed("A项目", "10亿元", e4, "装备制造")
    b = signed("B项目", "5亿元", e4, "生物医药")
    c = signed("C项目", "6亿元", e4, "新材料")
    d = signed("D项目", "2亿元", e1, "新能源")
    e = signed("E项目", "4亿元", e1, "文化旅游")
    transition_project(
        officer, a, "construction", {"registered": D(2023, 9, 1), "construction": D(2023, 9, 1)}
    )
    transition_project(officer, b, "registered", {"registered": D(2023, 10, 1)})
    transition_project(officer, c, "terminated", {"terminated": D(2023, 11, 1)}, reason="撤资")
    record_month(officer, a, D(2023, 10, 1), Decimal(40_000))
    record_signing(officer, d, D(2023, 8, 18), e4, amount_text="3亿元")
    record_signing(officer, e, D(2023, 8, 18), e4)
    return e4


def test_follow_through_rates_by_hand(fourth):
    report = event_report(fourth, AS_OF)
    assert [f.display for f in report.follow_through] == ["66.7%", "33.3%", "0.0%", "19.0%"]
    assert report.figures["investment"].display == "22亿元"
    assert [r.project.name for r in report.resigned] == ["E项目"]
    assert [r.project.name for r in report.upgraded] == ["D项目"]


def test_rates_as_of_an_earlier_date(fourth):
    """As of 08-31 nothing has started, none is terminated, no funds: 100% / 0% / 0% / 0%."""
    report = event_report(fourth, D(2023, 8, 31))
    assert [f.display for f in report.follow_through] == ["100.0%", "0.0%", "0.0%", "0.0%"]


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d,.]*", text)


def test_briefing_numbers_equal_the_records(fourth):
    text = event_report(fourth, AS_OF).briefing
    first = Project.objects.filter(event=fourth, signed_date__isnull=False)
    count = first.count()
    base = first.aggregate(s=Sum("agreed_min_wan"))["s"]
    upgrades = Signing.objects.filter(event=fourth, kind="upgrade")
    added = upgrades.aggregate(s=Sum("increment_min_wan"))["s"]
    resigned = Signing.objects.filter(event=fourth, kind="resign").count()
    started = first.filter(construction_date__lte=AS_OF).count()
    producing = first.filter(production_date__lte=AS_OF).count()
    live = first.exclude(terminated_date__lte=AS_OF).count()
    funds = ProjectMonth.objects.filter(project__in=first, month__lte=AS_OF).aggregate(
        s=Sum("funds_arrived_wan")
    )["s"]

    def pct(a, b):
        return f"{float(a) / float(b) * 100:.1f}"

    def yi(wan):
        return f"{wan / 10000:,.2f}".rstrip("0").rstrip(".")

    expected = [
        "2023", "8", "18",  # the event's date
        str(count), yi(base + added),  # 签约项目N个，总投资X亿元
        str(resigned),  # 另有N个项目…再次签约
        str(upgrades.count()), yi(added),  # N个已签约项目升级签约，新增投资X亿元
        "2023", "12", "31",  # 截至
        pct(live, count), pct(started, count), pct(producing, count), pct(funds, base),
    ]  # fmt: skip
    assert _numbers(text) == expected
    assert "涉及装备制造、生物医药、新材料等领域" in text
    assert text.startswith("2023年8月18日，第四场推介会在新疆国际会展中心举行（依托亚欧博览会）。")


def test_the_demo_fourth_event_briefing_matches_its_records(demo):
    from chainvest.events.models import Event

    event = Event.objects.get(date=D(2023, 8, 18))
    report = event_report(event)
    first = Project.objects.filter(event=event, signed_date__isnull=False)
    base = first.aggregate(s=Sum("agreed_min_wan"))["s"]
    started = first.filter(construction_date__isnull=False).count()
    assert f"签约项目{first.count()}个，总投资{base / 10000:,.0f}亿元" in report.briefing
    assert first.count() == 17 and base == Decimal(10_260_000)
    assert f"开工率{started / first.count() * 100:.1f}%" in report.briefing
