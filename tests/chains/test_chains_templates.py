"""Chain templates under data/chains: their content, and how the loader treats them."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from chainvest.chains.loaders import export_chain, load_chain_templates
from chainvest.chains.models import Chain, Cluster, Link
from chainvest.regions.models import IndustryCode

ROOT = Path(__file__).resolve().parents[2]
CHAIN_DIR = ROOT / "data" / "chains"
CHAIN_FILES = sorted(
    p for p in CHAIN_DIR.glob("*.yaml") if not p.name.startswith("_") and p.name != "clusters.yaml"
)
ALL_CHAINS = {
    "shale-oil", "oil-gas-chemical", "coal-mining", "coal-power", "coal-chemical",
    "coal-materials", "aluminium", "building-materials", "silicon", "photovoltaic", "wind-power",
    "energy-storage", "hydrogen", "power-equipment", "biomedicine", "electronic-materials",
    "grain-oil-processing", "seed", "cotton-textile", "tomato", "wine", "beef-mutton", "dairy",
}  # fmt: skip
CLUSTERS = {
    "oil-gas", "coal", "green-mining", "grain-oil", "cotton-textile", "fruit-veg", "livestock",
    "new-energy",
}  # fmt: skip
STAGES = {"upstream", "midstream", "downstream"}


def _industry_csv() -> Path:
    candidates = [
        *Path(settings.DATA_DIR).rglob("gbt4754-2017.csv"),
        ROOT.parent / "shared" / "reference" / "gbt4754-2017.csv",
    ]
    found = [path for path in candidates if path.exists()]
    if not found:
        pytest.skip("GB/T 4754-2017 table not found")
    return found[0]


def _industry_rows() -> list[dict]:
    with _industry_csv().open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _class_codes() -> set[str]:
    return {row["code"] for row in _industry_rows() if row["level"] == "4"}


@pytest.fixture
def industry(db) -> None:
    """The GB/T 4754-2017 table, level by level so parents exist before their children."""
    rows, ids = _industry_rows(), {}
    for level in range(1, 5):
        IndustryCode.objects.bulk_create(
            IndustryCode(
                code=r["code"], name=r["name"], level=level, parent_id=ids.get(r["parent"])
            )
            for r in rows
            if int(r["level"]) == level
        )
        ids.update(IndustryCode.objects.filter(level=level).values_list("code", "id"))


def _nodes(links: list[dict]) -> list[dict]:
    found = []
    for link in links:
        found.append(link)
        found.extend(_nodes(link.get("children") or []))
    return found


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _snapshot() -> dict:
    through = Link.industry_codes.through
    return {
        "clusters": list(Cluster.objects.order_by("id").values()),
        "chains": list(Chain.objects.order_by("id").values()),
        "links": list(Link.objects.order_by("id").values()),
        "feeds": sorted(Link.feeds.through.objects.values_list("from_link_id", "to_link_id")),
        "codes": sorted(through.objects.values_list("link_id", "industrycode_id")),
    }


def _bad_copy(tmp_path: Path, chain: str, edit) -> Path:
    """A folder with clusters.yaml and one chain file changed by `edit`."""
    shutil.copy(CHAIN_DIR / "clusters.yaml", tmp_path / "clusters.yaml")
    data = _read(CHAIN_DIR / f"{chain}.yaml")
    edit(data)
    (tmp_path / f"{chain}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return tmp_path


# ---------------------------------------------------------------- content of every file


def test_clusters_file_holds_the_eight_clusters():
    clusters = _read(CHAIN_DIR / "clusters.yaml")
    assert {c["code"] for c in clusters} == CLUSTERS
    assert sorted(c["order"] for c in clusters) == list(range(1, 9))


@pytest.mark.parametrize("path", CHAIN_FILES, ids=lambda p: p.stem)
def test_chain_has_eight_links_spanning_three_stages(path):
    data = _read(path)
    nodes = _nodes(data["links"])
    assert data["code"] in ALL_CHAINS and data["cluster"] in CLUSTERS
    assert len(nodes) >= 8, f"{path.name}: only {len(nodes)} links"
    assert {n["stage"] for n in nodes} == STAGES
    assert all(n["products"] and n["keywords"] for n in nodes), path.name


@pytest.mark.parametrize("path", CHAIN_FILES, ids=lambda p: p.stem)
def test_every_link_takes_part_in_a_flow(path):
    data = _read(path)
    in_flows = {end for flow in data["flows"] for end in (flow["from"], flow["to"])}
    alone = {n["code"] for n in _nodes(data["links"])} - in_flows
    assert not alone, f"{path.name}: links in no flow: {sorted(alone)}"


@pytest.mark.parametrize("path", CHAIN_FILES, ids=lambda p: p.stem)
def test_industry_codes_are_existing_classes(path):
    known = _class_codes()
    for node in _nodes(_read(path)["links"]):
        assert node.get("industry_codes"), f"{path.name}: {node['code']} has no industry code"
        unknown = set(node["industry_codes"]) - known
        assert not unknown, f"{path.name}: {node['code']} has unknown codes {sorted(unknown)}"


@pytest.mark.parametrize("path", CHAIN_FILES, ids=lambda p: p.stem)
def test_chain_is_marked_as_not_an_official_list_and_names_no_person(path):
    data = _read(path)
    assert data["note"] and data["sources"] and data["description"]
    assert "链长" in data["chief_title"] or "领导" in data["chief_title"]


def test_all_twenty_three_chains_are_present_once_the_set_is_complete():
    codes = {path.stem for path in CHAIN_FILES}
    if len(codes) < len(ALL_CHAINS):
        pytest.skip(f"{len(codes)} of {len(ALL_CHAINS)} chain files written so far")
    assert codes == ALL_CHAINS


# ---------------------------------------------------------------- loading


def test_every_chain_file_loads_as_public_knowledge_not_demo(industry):
    counts = load_chain_templates(CHAIN_DIR)
    assert counts["clusters"] == 8
    assert counts["chains"] == len(CHAIN_FILES) == Chain.objects.count()
    assert counts["links"] == Link.objects.count()
    assert not Chain.objects.filter(is_demo=True).exists()
    assert Link.industry_codes.through.objects.exists()


def test_loaded_links_keep_the_tree_and_the_flows(industry):
    load_chain_templates(CHAIN_DIR)
    wind = Chain.objects.get(code="wind-power")
    bearings = wind.links.get(code="bearings")
    assert bearings.parent.code == "components"
    assert set(bearings.feeds.values_list("code", flat=True)) == {"nacelles"}
    assert "3451" in bearings.industry_codes.values_list("code", flat=True)


def test_second_load_creates_nothing_and_changes_nothing(industry):
    load_chain_templates(CHAIN_DIR)
    before = _snapshot()
    counts = load_chain_templates(CHAIN_DIR)
    assert (counts["created"], counts["updated"], counts["relations"]) == (0, 0, 0)
    assert _snapshot() == before


def test_reload_after_one_edit_updates_only_that_link(industry, tmp_path):
    load_chain_templates(CHAIN_DIR)

    def lighter_towers(data):
        next(n for n in data["links"] if n["code"] == "towers")["weight"] = 1

    counts = load_chain_templates(_bad_copy(tmp_path, "wind-power", lighter_towers))
    assert (counts["created"], counts["updated"], counts["relations"]) == (0, 1, 0)
    assert Link.objects.get(chain__code="wind-power", code="towers").weight == 1


def test_reload_after_dropping_a_flow_removes_only_that_flow(industry, tmp_path):
    load_chain_templates(CHAIN_DIR)

    def drop_flow(data):
        data["flows"].remove({"from": "towers", "to": "logistics-installation"})

    counts = load_chain_templates(_bad_copy(tmp_path, "wind-power", drop_flow))
    assert (counts["created"], counts["updated"], counts["relations"]) == (0, 0, 1)
    towers = Link.objects.get(chain__code="wind-power", code="towers")
    assert not towers.feeds.exists()


def test_industry_codes_are_skipped_when_the_industry_table_is_empty(db):
    counts = load_chain_templates(CHAIN_DIR)
    assert counts["chains"] == len(CHAIN_FILES)
    assert not Link.industry_codes.through.objects.exists()


def test_unknown_stage_is_refused_naming_file_and_link_and_nothing_changes(industry, tmp_path):
    load_chain_templates(CHAIN_DIR)
    before = _snapshot()

    def bad_stage(data):
        data["description"] = "changed"
        next(n for n in data["links"] if n["code"] == "blades")["stage"] = "sideways"

    with pytest.raises(ValueError, match=r"wind-power\.yaml.*blades.*sideways"):
        load_chain_templates(_bad_copy(tmp_path, "wind-power", bad_stage))
    assert _snapshot() == before


def test_flow_to_unknown_link_is_refused_and_nothing_changes(industry, tmp_path):
    load_chain_templates(CHAIN_DIR)
    before = _snapshot()

    def bad_flow(data):
        data["flows"].append({"from": "blades", "to": "nowhere"})

    with pytest.raises(ValueError, match=r"wind-power\.yaml.*nowhere"):
        load_chain_templates(_bad_copy(tmp_path, "wind-power", bad_flow))
    assert _snapshot() == before


def test_first_load_of_a_bad_folder_creates_no_rows(industry, tmp_path):
    def bad_flow(data):
        data["flows"].append({"from": "ghost", "to": "blades"})

    with pytest.raises(ValueError, match="ghost"):
        load_chain_templates(_bad_copy(tmp_path, "wind-power", bad_flow))
    assert not Cluster.objects.exists() and not Link.objects.exists()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(cluster="nowhere"), "cluster"),
        (lambda d: d["links"].append(dict(d["links"][0])), "blade-materials"),
        (lambda d: d["links"][0].update(industry_codes=["9999"]), "9999"),
        (lambda d: d["links"][0].update(industry_codes=[3061]), "blade-materials"),
        (lambda d: d["links"][0].update(weight=5), "weight"),
        (lambda d: d["links"][0].update(keyword=["x"]), "keyword"),
        (lambda d: d["links"][0].update(products=[1, "4-丁二醇"]), "「1」"),
    ],
    ids=[
        "unknown-cluster",
        "duplicate-link",
        "unknown-code",
        "unquoted-code",
        "weight",
        "typo",
        "unquoted-comma",
    ],  # fmt: skip
)
def test_bad_template_is_refused_with_a_clear_message(industry, tmp_path, edit, message):
    with pytest.raises(ValueError, match=rf"wind-power\.yaml.*{message}"):
        load_chain_templates(_bad_copy(tmp_path, "wind-power", edit))


# ---------------------------------------------------------------- export


def _canonical(data: dict) -> dict:
    """A file's content as the loader understands it: defaults filled, unordered parts sorted."""

    def link(node: dict) -> dict:
        out = {
            "code": node["code"], "name": node["name"], "stage": node["stage"],
            "weight": node.get("weight", 1), "products": node.get("products") or [],
            "keywords": node.get("keywords") or [],
            "industry_codes": sorted(set(node.get("industry_codes") or [])),
        }  # fmt: skip
        if node.get("children"):
            out["children"] = [link(child) for child in node["children"]]
        return out

    return {
        "code": data["code"], "name": data["name"], "cluster": data["cluster"],
        "order": data.get("order", 0), "description": (data.get("description") or "").strip(),
        "chief_title": data.get("chief_title") or "", "sources": data.get("sources") or [],
        "note": data.get("note") or "", "links": [link(n) for n in data["links"]],
        "flows": sorted({(f["from"], f["to"]) for f in data.get("flows") or []}),
    }  # fmt: skip


def test_export_gives_back_the_file_content(industry):
    load_chain_templates(CHAIN_DIR)
    for path in CHAIN_FILES:
        exported = export_chain(Chain.objects.get(code=path.stem))
        assert _canonical(exported) == _canonical(_read(path)), path.name
        assert list(exported) == list(_canonical(exported))


def test_exported_files_load_back_without_any_change(industry, tmp_path):
    load_chain_templates(CHAIN_DIR)
    before = _snapshot()
    shutil.copy(CHAIN_DIR / "clusters.yaml", tmp_path / "clusters.yaml")
    for chain in Chain.objects.all():
        text = yaml.safe_dump(export_chain(chain), allow_unicode=True, sort_keys=False)
        (tmp_path / f"{chain.code}.yaml").write_text(text, "utf-8")
    counts = load_chain_templates(tmp_path)
    assert (counts["created"], counts["updated"], counts["relations"]) == (0, 0, 0)
    assert _snapshot() == before


def test_load_chains_command_prints_the_counts(industry):
    out = io.StringIO()
    call_command("load_chains", stdout=out)
    assert f"产业链 {len(CHAIN_FILES)} 条" in out.getvalue()
    assert Chain.objects.count() == len(CHAIN_FILES)
