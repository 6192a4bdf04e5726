"""Projects of the demo: named projects keep their published facts; stages and dates agree."""

import datetime as dt
from decimal import Decimal

from chainvest.projects.models import STAGE_ORDER, Project, ProjectStage

ARTICLE_DATE = dt.date(2023, 8, 18)


def test_crrc_project_keeps_its_planned_lower_bound(demo):
    project = Project.objects.get(investor__name="中车山东风电有限公司")
    assert project.county.code == "652325"
    assert project.chain.code == "wind-power"
    assert project.planned_text == "百亿元以上"
    assert project.planned_min_wan == Decimal(1_000_000)
    assert project.planned_max_wan is None
    assert project.agreed.is_exact
    assert "风电装备、制氢装备、绿氢绿色甲醇" in project.description


def test_healthgen_project_is_5_yi_at_the_agri_park_with_revenue_as_text(demo):
    project = Project.objects.get(investor__name="武汉禾元生物科技股份有限公司")
    assert project.agreed_min_wan == project.agreed_max_wan == Decimal(50_000)
    assert project.agreed_text == "5亿元"
    assert project.park.short_name == "昌吉农高区"
    assert project.chain.code == "biomedicine"
    assert "3.5万亩" in project.description
    assert "20吨植物源重组人血清白蛋白" in project.description
    assert "6到7亿元" in project.description
    assert not project.is_demo


def test_named_energy_storage_and_electronics_projects_are_present(demo):
    storage = Project.objects.get(name__contains="二氧化碳压缩空气储能")
    assert storage.county.code == "652328"
    assert storage.chain.code == "energy-storage"
    assert storage.investor_display == "华电、东方电气"
    assert Project.objects.filter(investor__name="江西联晟电子股份有限公司").count() == 1


def test_every_signed_amount_is_exact(demo):
    signed = Project.objects.signed()
    assert signed.count() == 59
    assert all(p.agreed.is_exact for p in signed)


def test_fourteen_started_projects_all_began_by_the_article_date(demo):
    started = Project.objects.signed().filter(construction_date__isnull=False)
    assert started.count() == 14
    assert all(p.construction_date <= ARTICLE_DATE for p in started)
    rest = Project.objects.signed().filter(construction_date__isnull=True)
    assert set(rest.values_list("stage", flat=True)) <= {"signed", "registered"}


def test_pipeline_projects_are_unsigned_leads_or_negotiations_without_event(demo):
    pipeline = Project.objects.filter(signed_date__isnull=True)
    assert pipeline.count() >= 10
    assert set(pipeline.values_list("stage", flat=True)) <= {"lead", "negotiating"}
    assert not pipeline.filter(event__isnull=False).exists()


def test_stage_dates_are_filled_up_to_the_stage_and_in_order(demo):
    for project in Project.objects.all():
        reached = STAGE_ORDER[: STAGE_ORDER.index(ProjectStage(project.stage)) + 1]
        dates = [project.stage_date(s) for s in reached]
        assert None not in dates, project.name
        assert dates == sorted(dates), project.name
        assert all(project.stage_date(s) is None for s in STAGE_ORDER[len(reached) :])


def test_each_project_has_one_stage_change_per_stage_reached(demo):
    for project in Project.objects.prefetch_related("stage_changes"):
        moves = sorted(project.stage_changes.all(), key=lambda c: STAGE_ORDER.index(c.to_stage))
        reached = STAGE_ORDER[1 : STAGE_ORDER.index(ProjectStage(project.stage)) + 1]
        assert [m.to_stage for m in moves] == list(reached), project.name
        assert all(m.date == project.stage_date(m.to_stage) for m in moves)


def test_projects_name_responsible_unit_and_liaison_as_titles(demo):
    project = Project.objects.get(name__startswith="中车山东风电")
    assert project.responsible_unit == "奇台县商务和工业信息化局"
    assert project.liaison_leader == "州领导（示例）"
    assert not Project.objects.filter(responsible_unit="").exists()


def test_county_officers_own_their_county_projects(demo):
    qitai = Project.objects.filter(county__code="652325")
    assert qitai.exists()
    assert set(qitai.values_list("officer__username", flat=True)) == {"qitai"}
