"""Chain chiefs (链长), chain leaders (链主) and thresholds: in templates and in the admin."""

import pytest
import yaml

from chainvest.chains.diagnosis import diagnose_chain
from chainvest.chains.loaders import export_chain, load_chain_templates
from chainvest.chains.models import Chain
from chainvest.enterprises.models import Enterprise
from tests.web import factories as f

CHAIN = {
    "code": "tiny",
    "name": "小链",
    "cluster": "c",
    "links": [
        {"code": "a", "name": "甲", "stage": "upstream"},
        {"code": "b", "name": "乙", "stage": "downstream"},
    ],
    "flows": [{"from": "a", "to": "b"}],
    "chiefs": [{"name": "张三（示例）", "title": "副州长"}],
    "leaders": [{"name": "链主公司", "note": "整机"}, {"name": "库中没有的公司"}],
    "thresholds": {"strong_min_enterprises": 5, "strong_min_capital_wan": 20000},
}


def _write(folder, chain: dict) -> None:
    (folder / "clusters.yaml").write_text("- {code: c, name: 集群}\n", "utf-8")
    text = yaml.safe_dump(chain, allow_unicode=True, sort_keys=False)
    (folder / "tiny.yaml").write_text(text, "utf-8")


def test_template_chiefs_leaders_and_thresholds_load_once(db, tmp_path):
    leader = Enterprise.objects.create(name="链主公司")
    _write(tmp_path, CHAIN)
    counts = load_chain_templates(tmp_path)
    chain = Chain.objects.get(code="tiny")
    assert [(c.name, c.title) for c in chain.chiefs.all()] == [("张三（示例）", "副州长")]
    assert [(x.enterprise_id, x.note) for x in chain.leaders.all()] == [(leader.id, "整机")]
    assert counts["unknown_leaders"] == 1
    assert (chain.strong_min_enterprises, chain.strong_min_capital_wan) == (5, 20000)
    assert chain.strong_min_lq == 1.0  # not in the file: the default

    again = load_chain_templates(tmp_path)
    assert (again["created"], again["updated"], again["relations"]) == (0, 0, 0)


def test_export_carries_chiefs_leaders_and_changed_thresholds(db, tmp_path):
    Enterprise.objects.create(name="链主公司")
    _write(tmp_path, CHAIN)
    load_chain_templates(tmp_path)
    exported = export_chain(Chain.objects.get(code="tiny"))
    assert exported["chiefs"] == [{"name": "张三（示例）", "title": "副州长"}]
    assert exported["leaders"] == [{"name": "链主公司", "note": "整机"}]
    assert exported["thresholds"] == {"strong_min_enterprises": 5, "strong_min_capital_wan": 20000}


def test_a_file_without_the_keys_leaves_chiefs_and_leaders_alone(db, tmp_path):
    Enterprise.objects.create(name="链主公司")
    _write(tmp_path, CHAIN)
    load_chain_templates(tmp_path)
    _write(tmp_path, {k: v for k, v in CHAIN.items() if k not in ("chiefs", "leaders")})
    load_chain_templates(tmp_path)
    chain = Chain.objects.get(code="tiny")
    assert chain.chiefs.count() == 1 and chain.leaders.count() == 1


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ({"strong_min_lq": -1}, "strong_min_lq 应为"),
        ({"build_max_completeness": 1.5}, "build_max_completeness 应为"),
        ({"strong_min_enterprises": 2.5}, "strong_min_enterprises 应为"),
        ({"min_count": 3}, "未知字段 min_count"),
    ],
)
def test_bad_thresholds_name_the_field_and_change_nothing(db, tmp_path, thresholds, message):
    _write(tmp_path, {**CHAIN, "thresholds": thresholds})
    with pytest.raises(ValueError, match=f"tiny.yaml.*{message}"):
        load_chain_templates(tmp_path)
    assert not Chain.objects.exists()


def test_admin_edits_a_chains_thresholds(client, cast):
    chain = f.chain()
    f.signed_in(client, "t_admin")
    url = f"/admin/chains/chain/{chain.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    for name in ("strong_min_enterprises", "strong_min_capital_wan", "strong_min_lq"):
        assert f'name="{name}"' in page.content.decode()


def test_admin_saves_new_thresholds_and_the_diagnosis_uses_them(client, cast):
    chain = f.chain()
    f.signed_in(client, "t_admin")
    form = {
        "code": chain.code,
        "name": chain.name,
        "cluster": chain.cluster_id,
        "order": 0,
        "strong_min_enterprises": 7,
        "strong_min_capital_wan": "5000",
        "strong_min_lq": "0",
        "build_max_completeness": "0.1",
        "build_min_relatedness": "0.6",
    }
    for prefix in ("chiefs", "leaders", "links"):
        form.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(f"/admin/chains/chain/{chain.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    chain.refresh_from_db()
    assert chain.thresholds.strong_min_enterprises == 7
    assert chain.thresholds.strong_min_lq == 0.0
    assert diagnose_chain(chain).thresholds["strong_min_enterprises"] == 7
