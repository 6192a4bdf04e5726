"""Editing a chain: export and import of its template, and the edit form's service."""

from __future__ import annotations

import pytest
import yaml
from django.core.exceptions import PermissionDenied

from chainvest.chains.loaders import export_chain, load_chain_templates
from chainvest.chains.models import Chain, Link
from chainvest.chains.services import (
    ChainTemplateError,
    edit_chain,
    export_chain_template,
    import_chain_template,
)
from chainvest.chains.snapshots import take_snapshots
from chainvest.enterprises.models import Enterprise, EnterpriseLink
from tests.chains.test_chains_templates import (  # noqa: F401  (industry is a fixture)
    CHAIN_DIR,
    CHAIN_FILES,
    _read,
    _snapshot,
    industry,
)


@pytest.fixture
def loaded(industry, cast):  # noqa: F811
    load_chain_templates(CHAIN_DIR)
    return cast


def _wind_template(edit=None) -> str:
    data = yaml.safe_load(export_chain_template(Chain.objects.get(code="wind-power")))
    if edit:
        edit(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _form(chain: Chain) -> dict:
    """The edit form as the page fills it: every link and flow as they stand."""
    links = chain.links.order_by("order", "id").prefetch_related("industry_codes")
    code_of = {link.id: link.code for link in links}
    return {
        "name": chain.name,
        "description": chain.description,
        "links": [
            {
                "id": link.id, "name": link.name, "stage": link.stage, "weight": link.weight,
                "products": link.products, "keywords": link.keywords,
                "industry_codes": [c.code for c in link.industry_codes.all()],
                "parent": code_of.get(link.parent_id, ""),
            }
            for link in links
        ],
        "flows": [(f["from"], f["to"]) for f in export_chain(chain)["flows"]],
    }  # fmt: skip


def _row(form: dict, code: str) -> dict:
    link = Link.objects.get(chain__code="wind-power", code=code)
    return next(row for row in form["links"] if row["id"] == link.id)


# ---------------------------------------------------------------- export and import


def test_every_real_template_survives_export_and_import_unchanged(loaded):
    before = _snapshot()
    history = (Chain.history.count(), Link.history.count())
    for chain in Chain.objects.all():
        import_chain_template(export_chain_template(chain), loaded["analyst"])
    assert _snapshot() == before
    assert (Chain.history.count(), Link.history.count()) == history
    assert Chain.objects.count() == len(CHAIN_FILES) == 23


def test_exported_template_reads_like_the_file_it_came_from(loaded):
    text = export_chain_template(Chain.objects.get(code="wine"))
    assert yaml.safe_load(text)["links"][0]["industry_codes"] == ["0511"]
    assert "products: [酿酒葡萄嫁接苗, 脱毒种苗, 鲜食葡萄苗木]" in text
    assert "- {from: vine-nursery, to: vineyard}" in text
    original = _read(CHAIN_DIR / "wine.yaml")
    assert yaml.safe_load(text)["flows"][0] in original["flows"]


def test_import_updates_links_in_place_and_keeps_their_ids(loaded):
    towers = Link.objects.get(chain__code="wind-power", code="towers")

    def lighter(data):
        next(n for n in data["links"] if n["code"] == "towers")["weight"] = 1

    chain = import_chain_template(_wind_template(lighter), loaded["admin"])
    towers.refresh_from_db()
    assert towers.weight == 1 and towers.chain_id == chain.id
    record = chain.history.first()
    assert record.history_user == loaded["admin"] and "towers" in record.history_change_reason
    assert towers.history.first().history_user == loaded["admin"]


def test_import_of_a_new_code_creates_the_chain(loaded):
    def copy(data):
        data.update(code="wind-power-2", name="风电装备二期")

    chain = import_chain_template(_wind_template(copy), loaded["analyst"])
    assert chain.links.count() == Chain.objects.get(code="wind-power").links.count()
    assert "新建产业链" in chain.history.first().history_change_reason


def _first(data) -> dict:
    return data["links"][0]


BAD_TEMPLATES = [
    (lambda d: _first(d).update(stage="sideways"), r"blade-materials.*sideways"),
    (lambda d: d["flows"].append({"from": "blades", "to": "nowhere"}), r"flows 第 \d+ 条.*nowhere"),
    (lambda d: d["links"].append(dict(_first(d))), r"blade-materials.*重复"),
    (lambda d: _first(d).update(industry_codes=["9999"]), r"blade-materials.*9999"),
    (lambda d: _first(d).update(weight=5), r"blade-materials.*weight"),
    (lambda d: _first(d).update(weight="重要"), r"blade-materials.*weight"),
    (lambda d: d.update(cluster="nowhere"), r"cluster.*nowhere"),
    (lambda d: d.update(name="光伏"), r"名称 光伏 已被产业链 photovoltaic 使用"),
    (lambda d: _first(d).update(keyword=["x"]), r"blade-materials.*keyword"),
]


@pytest.mark.parametrize(("edit", "message"), BAD_TEMPLATES)
def test_bad_template_names_the_place_and_changes_nothing(loaded, edit, message):
    def described(data):
        data["description"] = "changed first, must not stick"
        edit(data)

    before = _snapshot()
    with pytest.raises(ChainTemplateError, match=message):
        import_chain_template(_wind_template(described), loaded["admin"], "wind.yaml")
    assert _snapshot() == before


def test_text_that_is_not_yaml_is_refused_naming_the_file(loaded):
    with pytest.raises(ChainTemplateError, match=r"wind\.yaml：YAML 格式错误"):
        import_chain_template("code: [unclosed", loaded["admin"], "wind.yaml")


def test_leader_and_officer_may_not_import(loaded):
    for who in ("leader", "qitai"):
        with pytest.raises(PermissionDenied):
            import_chain_template(_wind_template(), loaded[who])


# ---------------------------------------------------------------- edit form


def test_edit_renames_restages_and_adds_a_link_keeping_ids(loaded):
    chain = Chain.objects.get(code="wind-power")
    ids = dict(chain.links.values_list("code", "id"))
    form = _form(chain)
    form["name"] = "风电装备制造"
    _row(form, "towers").update(name="塔筒与基础", stage="downstream", weight=3)
    _row(form, "towers")["keywords"].append("塔筒基础施工")
    new = {"code": "tower-flanges", "name": "塔筒法兰", "stage": "upstream", "weight": 2,
           "products": ["法兰"], "keywords": ["法兰制造"], "industry_codes": ["3311"],
           "parent": "towers"}  # fmt: skip
    form["links"].append(new)
    form["flows"].append(("tower-flanges", "towers"))

    chain = edit_chain(chain, form, loaded["analyst"])
    towers = chain.links.get(code="towers")
    assert (towers.name, towers.stage, towers.weight) == ("塔筒与基础", "downstream", 3)
    assert "塔筒基础施工" in towers.keywords
    flanges = chain.links.get(code="tower-flanges")
    assert flanges.parent == towers and list(flanges.feeds.all()) == [towers]
    assert {c: i for c, i in chain.links.values_list("code", "id") if c in ids} == ids
    assert chain.name == "风电装备制造"
    reason = chain.history.first().history_change_reason
    assert "tower-flanges" in reason and chain.history.first().history_user == loaded["analyst"]


def test_edit_removes_an_unused_link_and_its_flows(loaded):
    chain = Chain.objects.get(code="wind-power")
    form = _form(chain)
    gone = Link.objects.get(chain=chain, code="logistics-installation")
    form["links"] = [row for row in form["links"] if row["id"] != gone.id]
    form["flows"] = [f for f in form["flows"] if "logistics-installation" not in f]
    edit_chain(chain, form, loaded["admin"])
    assert not Link.objects.filter(pk=gone.pk).exists()
    assert Link.history.filter(id=gone.pk, history_type="-").exists()


def test_removing_a_link_an_enterprise_sits_on_is_refused_and_nothing_changes(loaded, changji):
    chain = Chain.objects.get(code="wind-power")
    towers = chain.links.get(code="towers")
    enterprise = Enterprise.objects.create(name="奇台塔筒有限公司", region=changji["qitai"])
    EnterpriseLink.objects.create(enterprise=enterprise, link=towers, source="manual")
    form = _form(chain)
    form["name"] = "改了名字"
    form["links"] = [row for row in form["links"] if row["id"] != towers.id]
    form["flows"] = [f for f in form["flows"] if "towers" not in f]
    before = _snapshot()
    with pytest.raises(
        ChainTemplateError, match=r"towers（塔筒与基础）仍被记录引用（企业环节归属 1 条），不能删除"
    ):
        edit_chain(chain, form, loaded["admin"])
    assert _snapshot() == before


def test_removing_a_link_kept_in_a_diagnosis_snapshot_is_refused(loaded):
    chain = Chain.objects.get(code="wind-power")
    take_snapshots()
    towers = chain.links.get(code="towers")
    assert towers.snapshots.exists()
    form = _form(chain)
    form["links"] = [row for row in form["links"] if row["id"] != towers.id]
    form["flows"] = [f for f in form["flows"] if "towers" not in f]
    with pytest.raises(ChainTemplateError, match="towers"):
        edit_chain(chain, form, loaded["admin"])
    assert towers.snapshots.exists()


def test_edit_keeps_snapshots_pointing_at_the_same_links(loaded):
    chain = Chain.objects.get(code="wind-power")
    take_snapshots()
    pointed = set(chain.snapshots.first().links.values_list("link_id", flat=True))
    form = _form(chain)
    for row in form["links"]:
        row["name"] += "（改）"
    edit_chain(chain, form, loaded["admin"])
    assert set(chain.snapshots.first().links.values_list("link_id", flat=True)) == pointed
    reason = chain.history.first().history_change_reason
    assert len(reason) == 100 and reason.startswith("编辑：修改环节") and reason.endswith("…")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: _row(f, "towers").update(stage="sideways"), r"towers.*stage「sideways」"),
        (lambda f: _row(f, "towers").update(weight=9), r"towers.*weight"),
        (lambda f: _row(f, "towers").update(industry_codes=["0000"]), r"towers.*0000"),
        (lambda f: f["flows"].append(("towers", "ghost")), r"flows.*ghost"),
        (lambda f: f["links"].append({**_row(f, "towers"), "id": None, "code": "towers"}),
         r"towers.*重复"),
        (lambda f: f["links"].append({"code": "Bad Code", "name": "x", "stage": "upstream"}),
         r"Bad Code"),
        (lambda f: _row(f, "towers").update(parent="ghost"), r"towers.*parent.*ghost"),
        (lambda f: f.update(name=""), r"缺少字段 name"),
    ],
    ids=["stage", "weight", "code", "flow", "duplicate", "slug", "parent", "name"],
)  # fmt: skip
def test_bad_edit_names_the_link_and_field_and_changes_nothing(loaded, change, message):
    chain = Chain.objects.get(code="wind-power")
    form = _form(chain)
    form["description"] = "changed first, must not stick"
    change(form)
    before = _snapshot()
    with pytest.raises(ChainTemplateError, match=message):
        edit_chain(chain, form, loaded["admin"])
    assert _snapshot() == before


def test_leader_may_not_edit(loaded):
    chain = Chain.objects.get(code="wind-power")
    with pytest.raises(PermissionDenied):
        edit_chain(chain, _form(chain), loaded["leader"])
