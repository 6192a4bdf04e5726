"""The enterprise record refuses a bad USCC with the expected check character, and keeps history."""

import pytest
from django.core.exceptions import ValidationError

from chainvest.enterprises.models import Enterprise


@pytest.mark.django_db
def test_bad_uscc_is_refused_naming_the_expected_check_character():
    enterprise = Enterprise(name="华为技术有限公司", uscc="914403001922038217")
    with pytest.raises(ValidationError) as info:
        enterprise.full_clean()
    assert info.value.message_dict["uscc"] == ["统一社会信用代码校验位错误：应为 6，实际为 7"]
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_good_uscc_is_normalised_and_saved():
    enterprise = Enterprise(name="小米科技有限责任公司", uscc="91110108551385082q")
    enterprise.full_clean()
    enterprise.save()
    assert Enterprise.objects.get().uscc == "91110108551385082Q"


@pytest.mark.django_db
def test_every_change_to_an_enterprise_is_kept_with_before_and_after():
    enterprise = Enterprise.objects.create(name="示例企业", registered_capital_wan=100)
    enterprise.registered_capital_wan = 300
    enterprise.save()
    latest, first = enterprise.history.all()[:2]
    change = latest.diff_against(first).changes[0]
    assert (change.field, change.old, change.new) == ("registered_capital_wan", 100, 300)
