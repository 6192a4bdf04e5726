"""engine.classify: matching, negations, scoring, batches and reasons, without Django."""

from pathlib import Path

import numpy as np
import pytest

from chainvest.engine.classify import Classifier, LinkRule, Weights, noisy_or, rules_from_templates

CHAINS = Path(__file__).resolve().parents[2] / "data" / "chains"
GENERAL_END = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"

RULES = [
    LinkRule(
        "wind-power:nacelles",
        "机舱与整机总装",
        keywords=("风力发电机组及零部件制造", "风能原动设备制造"),
        products=("机舱",),
        industry_codes=("3415",),
    ),
    LinkRule(
        "wind-power:blades",
        "叶片",
        keywords=("风电叶片制造", "玻璃纤维增强塑料制品制造"),
        products=("风电叶片",),
        industry_codes=("3415", "3062"),
    ),
    LinkRule("hydrogen:green-power", "可再生能源电力", keywords=("风力发电",)),
    LinkRule("oil-gas-chemical:chem-logistics", "危化品仓储物流", keywords=("危险化学品仓储",)),
    LinkRule("coal-chemical:coal-to-olefins", "煤制甲醇及烯烃", keywords=("有机化学原料制造",)),
    LinkRule(
        "coal-chemical:methanol",
        "甲醇",
        keywords=("甲醇生产",),
        parent="coal-chemical:coal-to-olefins",
    ),
]
NAMES = {"3415": "风能原动设备制造", "3062": "玻璃纤维增强塑料制品制造"}


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(RULES, NAMES)


def keys(classifier: Classifier, matches) -> list[str]:
    return [classifier.links[m.link].key for m in matches]


def test_reasons_name_the_matched_scope_phrase_the_name_phrase_and_the_industry_class(classifier):
    scope = "一般项目：风力发电机组及零部件制造；风电叶片制造；货物进出口" + GENERAL_END
    matches = classifier.classify("示例风电叶片有限公司", scope, "3415")
    by_key = dict(zip(keys(classifier, matches), matches, strict=True))
    nacelles, blades = by_key["wind-power:nacelles"], by_key["wind-power:blades"]
    assert "经营范围含「风力发电机组及零部件制造」（首项，主营）" in nacelles.reasons
    assert "经营范围含「风电叶片制造」" in blades.reasons
    assert "企业名称含「风电叶片」" in blades.reasons
    assert "国标行业 3415 风能原动设备制造 属于该环节" in nacelles.reasons
    assert 0 < blades.confidence <= 1 and 0 < nacelles.confidence <= 1


def test_a_phrase_inside_a_longer_keyword_does_not_match_on_its_own(classifier):
    matches = classifier.classify("", "风力发电机组及零部件制造", None)
    assert keys(classifier, matches) == ["wind-power:nacelles"]


def test_negations_and_standard_closing_sentences_create_no_match(classifier):
    scopes = [
        "一般项目：化工产品销售（不含危险化学品仓储）",
        "一般项目：技术服务；不含风电叶片制造",
        "一般项目：再生资源回收（除风能原动设备制造）",
        "许可项目：货物进出口（依法须经批准的项目，经相关部门批准后方可开展经营活动，"
        "具体经营项目以风力发电机组及零部件制造批准文件为准）",
    ]
    for scope in scopes:
        assert classifier.classify("某某公司", scope, None) == [], scope


def test_half_width_punctuation_reads_like_full_width(classifier):
    matches = classifier.classify(
        "", "一般项目:风电叶片制造;化工产品销售(不含危险化学品仓储)", None
    )
    assert keys(classifier, matches) == ["wind-power:blades"]


def test_the_leading_item_weighs_more_than_a_later_one(classifier):
    lead = classifier.classify("", "风电叶片制造；日用百货销售；五金产品批发；办公用品销售", None)
    late = classifier.classify("", "日用百货销售；五金产品批发；办公用品销售；风电叶片制造", "3062")
    assert lead[0].confidence == pytest.approx(0.7)
    assert late[0].confidence == pytest.approx(noisy_or([0.7 * 0.55, 0.45]), abs=1e-6)


def test_an_industry_class_alone_or_a_late_keyword_alone_places_nothing(classifier):
    assert classifier.classify("某某公司", "日用百货销售", "3415") == []
    assert classifier.classify("", "日用百货销售；五金产品批发；风电叶片制造", None) == []


def test_a_sub_link_wins_over_its_parent(classifier):
    matches = classifier.classify("", "甲醇生产；有机化学原料制造", None)
    assert keys(classifier, matches) == ["coal-chemical:methanol"]


def test_threshold_is_configurable():
    strict = Classifier(RULES, NAMES, Weights(threshold=0.9))
    assert strict.classify("", "风电叶片制造", None) == []


def test_batch_equals_one_by_one_and_chunks_and_processes_change_nothing(classifier):
    names = ["示例风电叶片有限公司", "", "某某餐饮公司", None] * 25
    scopes = ["风电叶片制造；风力发电", "甲醇生产", "餐饮服务（不含危险化学品仓储）", None] * 25
    codes = ["3415", None, "6210", "3415"] * 25
    whole = classifier.classify_many(names, scopes, codes)
    chunked = classifier.classify_many(names, scopes, codes, chunk_size=7, processes=2)
    for a, b in zip(whole[:3], chunked[:3], strict=True):
        np.testing.assert_array_equal(a, b)
    singles = [
        sorted((m.link, round(m.confidence, 5)) for m in classifier.classify(n, s, c))
        for n, s, c in zip(names[:4], scopes[:4], codes[:4], strict=True)
    ]
    for ent, expected in enumerate(singles):
        rows = whole.enterprise == ent
        conf = [round(float(x), 5) for x in whole.confidence[rows]]
        assert sorted(zip(whole.link[rows].tolist(), conf, strict=True)) == expected


def test_batch_arrays_have_the_documented_types(classifier):
    batch = classifier.classify_many(["a"], ["风电叶片制造"], [None])
    assert batch.enterprise.dtype == np.int64 and batch.link.dtype == np.int32
    assert batch.confidence.dtype == np.float32 and batch.reasons is None


def test_mismatched_batch_lengths_are_refused(classifier):
    with pytest.raises(ValueError, match="长度"):
        classifier.classify_many(["a"], ["b", "c"], [None])


def test_rules_come_straight_from_the_chain_templates():
    rules = rules_from_templates(CHAINS)
    assert len(rules) >= 23 * 8
    by_key = {rule.key: rule for rule in rules}
    assert "3415" in by_key["wind-power:nacelles"].industry_codes
    assert by_key["coal-chemical:methanol"].parent == "coal-chemical:coal-to-olefins"
