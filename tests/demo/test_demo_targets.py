"""The demo's missing 轴承 link of 风电装备: a target list with reasons, one turned into a lead."""

from django.contrib.auth import get_user_model

from chainvest.chains import targeting
from chainvest.chains.models import Link
from chainvest.chains.targeting import rank_targets
from chainvest.chains.targeting_services import convert_target
from chainvest.enterprises.models import Enterprise
from chainvest.regions.models import Region


def test_missing_bearing_link_lists_outside_makers_the_leaders_supplier_first(demo):
    targeting._CACHE.clear()
    bearings = Link.objects.get(chain__code="wind-power", code="bearings")
    result = rank_targets(bearings)
    assert len(result.targets) >= 4
    first = result.targets[0]
    assert first.name == "洛阳伊滨风电轴承有限公司（示例）"
    assert any("新疆东方风电" in r and "以商招商" in r for r in first.reasons)
    assert all(not t.region.startswith("6523") for t in result.targets)


def test_turning_the_first_target_into_a_lead_records_it_in_the_pipeline(demo):
    targeting._CACHE.clear()
    bearings = Link.objects.get(chain__code="wind-power", code="bearings")
    first = rank_targets(bearings).targets[0]
    analyst = get_user_model().objects.filter(profile__role="analyst").first()
    lead = convert_target(
        analyst,
        Enterprise.objects.get(pk=first.enterprise_id),
        bearings,
        "lead",
        Region.objects.get(code="652328"),
        score=first.score,
        reasons=first.reasons,
    )
    assert lead.stage == "lead" and lead.history.first().history_user == analyst
    after = rank_targets(bearings)
    assert first.enterprise_id not in [t.enterprise_id for t in after.targets]
    assert after.known[0].status == "项目库：线索"
