"""Published records stay plain; everything illustrative is flagged is_demo (示例)."""

from chainvest.accounts.models import Profile
from chainvest.enterprises.models import Enterprise, EnterpriseRelation
from chainvest.events.models import Event
from chainvest.projects.models import Engagement, Project

PUBLISHED_ENTERPRISES = {
    # local enterprises named in public reports
    "特变电工股份有限公司",
    "新疆东方希望有色金属有限公司",
    "新疆嘉润资源控股有限公司",
    "新疆其亚硅业有限公司",
    "新疆天池能源有限责任公司",
    "新疆中泰化学阜康能源有限公司",
    "中粮屯河",
    "新疆东方风电",
    "新疆蓝山屯河化工股份有限公司",
    "九圣禾种业股份有限公司",
    # enterprises named by the August 2023 articles and the reports on referrals
    "中车山东风电有限公司",
    "武汉禾元生物科技股份有限公司",
    "江西联晟电子股份有限公司",
    "中国华电集团有限公司",
    "中国东方电气集团有限公司",
    "北京双杰电气股份有限公司",
    "四川其亚",
    "山东能源集团有限公司",
    "国网新源",
    "南昌荣凯",
    "唐山海泰新能科技股份有限公司",
}


def test_only_the_fourth_event_is_published(demo):
    published = Event.objects.filter(is_demo=False).values_list("sequence", flat=True)
    assert list(published) == [4]


def test_only_the_fully_published_project_is_not_demo(demo):
    plain = Project.objects.filter(is_demo=False).values_list("investor__name", flat=True)
    assert list(plain) == ["武汉禾元生物科技股份有限公司"]


def test_invented_enterprises_are_demo_and_say_so_in_their_name(demo):
    real = set(Enterprise.objects.filter(is_demo=False).values_list("name", flat=True))
    assert real == PUBLISHED_ENTERPRISES
    invented = Enterprise.objects.filter(is_demo=True)
    assert invented.count() > 90
    assert all(name.endswith("（示例）") for name in invented.values_list("name", flat=True))


def test_real_enterprises_carry_no_invented_credit_code(demo):
    assert not Enterprise.objects.filter(uscc__isnull=False).exists()


def test_local_chain_leaders_sit_in_their_parks(demo):
    tbea = Enterprise.objects.get(name="特变电工股份有限公司")
    assert tbea.is_chain_leader and tbea.park.code == "changji-hitech"
    wind = Enterprise.objects.get(name="新疆东方风电")
    assert wind.is_chain_leader and wind.region.code == "652328"


def test_invented_enterprises_are_placed_in_real_counties_across_china(demo):
    invented = Enterprise.objects.filter(is_demo=True).select_related("region")
    assert all(e.region.level == "county" for e in invented)
    provinces = {e.region.code[:2] for e in invented}
    assert len(provinces) >= 20
    assert "65" in provinces  # a few from elsewhere in Xinjiang


def test_chain_leader_referrals_are_recorded_as_relations(demo):
    supplier_of_wind = EnterpriseRelation.objects.filter(
        source__name="新疆东方风电", kind="buys_from"
    ).values_list("target__name", flat=True)
    assert {"唐山海泰新能科技股份有限公司", "北京双杰电气股份有限公司"} <= set(supplier_of_wind)
    assert EnterpriseRelation.objects.filter(
        source__name="新疆嘉润资源控股有限公司", target__name="南昌荣凯"
    ).exists()


def test_every_engagement_is_illustrative_and_dated_2023(demo):
    engagements = Engagement.objects.all()
    assert engagements.count() > 100
    assert not engagements.filter(is_demo=False).exists()
    assert not engagements.exclude(date__year=2023).exists()
    assert not engagements.filter(summary="").exists()


def test_demo_users_have_their_roles_and_titles_not_names(demo):
    roles = dict(Profile.objects.values_list("user__username", "role"))
    assert {k: roles[k] for k in ("admin", "analyst", "leader", "qitai", "mulei")} == {
        "admin": "admin",
        "analyst": "analyst",
        "leader": "leader",
        "qitai": "officer",
        "mulei": "officer",
    }
    qitai = Profile.objects.get(user__username="qitai")
    assert qitai.county.code == "652325"
    assert qitai.display_name.endswith("专员")
    assert Profile.objects.get(user__username="mulei").county.code == "652328"
