"""Editing a chain from the chain map: the edit form, the template download and the upload."""

from __future__ import annotations

import shutil

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainvest.chains.loaders import load_chain_templates
from chainvest.chains.models import Chain, Link
from chainvest.chains.services import export_chain_template
from chainvest.web.forms_chains import rows_of
from tests.chains.test_chains_templates import (  # noqa: F401  (industry is a fixture)
    CHAIN_DIR,
    _snapshot,
    industry,
)
from tests.web import factories as f

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def wind(industry, cast, tmp_path) -> Chain:  # noqa: F811
    """The real 风电装备 template, loaded on its own with the GB/T 4754 table."""
    for name in ("clusters.yaml", "wind-power.yaml"):
        shutil.copy(CHAIN_DIR / name, tmp_path / name)
    load_chain_templates(tmp_path)
    return Chain.objects.get(code="wind-power")


def _edit_url(chain: Chain) -> str:
    return reverse("web:chain_edit", args=[chain.code])


def _post_of(chain: Chain) -> dict:
    """The edit form as the page fills it, ready to post back."""
    links, flows = rows_of(chain)
    data = {"name": chain.name, "description": chain.description, "link": [], "flow": []}
    for row in links:
        data["link"].append(row["key"])
        for field in ("id", "code", "name", "stage", "weight", "parent", "products", "keywords",
                      "industry_codes"):  # fmt: skip
            data[f"link-{row['key']}-{field}"] = row[field]
    for row in flows:
        data["flow"].append(row["key"])
        data[f"flow-{row['key']}-from"], data[f"flow-{row['key']}-to"] = row["from"], row["to"]
    return data


def _upload(text: str, name: str = "wind-power.yaml") -> dict:
    return {"file": SimpleUploadedFile(name, text.encode("utf-8"), "application/yaml")}


# ---------------------------------------------------------------- buttons


def test_analyst_sees_edit_export_and_import_buttons(client, wind):
    f.signed_in(client, "t_analyst")
    page = client.get(reverse("web:chain", args=["wind-power"])).content.decode()
    assert _edit_url(wind) in page and reverse("web:chain_template", args=["wind-power"]) in page
    listing = client.get(reverse("web:chains")).content.decode()
    assert reverse("web:chain_template_import") in listing


@pytest.mark.parametrize("who", ["t_leader", "t_qitai"])
def test_read_only_roles_see_only_the_export_button(client, wind, who):
    f.signed_in(client, who)
    page = client.get(reverse("web:chain", args=["wind-power"])).content.decode()
    assert reverse("web:chain_template", args=["wind-power"]) in page
    assert _edit_url(wind) not in page
    listing = client.get(reverse("web:chains")).content.decode()
    assert reverse("web:chain_template_import") not in listing


# ---------------------------------------------------------------- download


@pytest.mark.parametrize("who", ["t_admin", "t_analyst", "t_leader", "t_qitai"])
def test_every_signed_in_role_downloads_the_template(client, wind, who):
    response = f.signed_in(client, who).get(reverse("web:chain_template", args=["wind-power"]))
    assert response.status_code == 200
    assert 'filename="wind-power.yaml"' in response["Content-Disposition"]
    assert response.content.decode() == export_chain_template(wind)
    assert yaml.safe_load(response.content)["code"] == "wind-power"


# ---------------------------------------------------------------- edit form


def test_edit_form_shows_every_link_without_inline_script(client, wind):
    response = f.signed_in(client, "t_admin").get(_edit_url(wind))
    html = response.content.decode()
    assert response.status_code == 200
    for link in wind.links.all():
        assert f'value="{link.code}"' in html
    assert f.inline_scripts(html) == []


def test_add_a_link_row_comes_by_htmx(client, wind):
    f.signed_in(client, "t_analyst")
    row = client.get(_edit_url(wind) + "?add=link", **HX).content.decode()
    assert row.lstrip().startswith("<fieldset") and 'name="link"' in row
    flow = client.get(_edit_url(wind) + "?add=flow", **HX).content.decode()
    assert flow.lstrip().startswith("<tr") and 'name="flow"' in flow


def test_analyst_renames_a_link_and_adds_one_through_the_form(client, wind):
    towers = wind.links.get(code="towers")
    data = _post_of(wind)
    data[f"link-{towers.id}-name"] = "塔筒与基础（改）"
    data["link"].append("n1")
    data.update({"link-n1-id": "", "link-n1-code": "flanges", "link-n1-name": "法兰",
                 "link-n1-stage": "upstream", "link-n1-weight": "2", "link-n1-parent": "towers",
                 "link-n1-products": "塔筒法兰\n风电法兰", "link-n1-keywords": "法兰制造",
                 "link-n1-industry_codes": "3311"})  # fmt: skip
    data["flow"].append("n2")
    data.update({"flow-n2-from": "flanges", "flow-n2-to": "towers"})
    response = f.signed_in(client, "t_analyst").post(_edit_url(wind), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:chain", args=["wind-power"])
    towers.refresh_from_db()
    assert towers.name == "塔筒与基础（改）"
    flanges = wind.links.get(code="flanges")
    assert flanges.products == ["塔筒法兰", "风电法兰"] and flanges.parent == towers
    assert list(flanges.feeds.all()) == [towers]
    assert wind.history.first().history_user.username == "t_analyst"


def test_removing_a_link_through_the_form_takes_its_flows(client, wind):
    gone = wind.links.get(code="logistics-installation")
    data = _post_of(wind)
    data[f"link-{gone.id}-remove"] = "1"
    response = f.signed_in(client, "t_admin").post(_edit_url(wind), data)
    assert response.status_code == 302
    assert not Link.objects.filter(pk=gone.pk).exists()


def test_bad_edit_shows_the_error_and_changes_nothing(client, wind):
    towers = wind.links.get(code="towers")
    data = _post_of(wind)
    data["name"] = "改名不应生效"
    data[f"link-{towers.id}-weight"] = "9"
    before = _snapshot()
    response = f.signed_in(client, "t_admin").post(_edit_url(wind), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "环节 towers" in html and "weight" in html
    assert 'value="改名不应生效"' in html  # the form comes back as it was filled in
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["t_leader", "t_qitai"])
def test_leader_and_officer_may_not_edit(client, wind, who):
    f.signed_in(client, who)
    assert client.get(_edit_url(wind)).status_code == 403
    data = _post_of(wind) | {"name": "越权改名"}
    assert client.post(_edit_url(wind), data).status_code == 403
    assert Chain.objects.get(pk=wind.pk).name == "风电装备"


def test_anonymous_visitor_is_sent_to_login(client, wind):
    for url in (
        _edit_url(wind),
        reverse("web:chain_template_import"),
        reverse("web:chain_template", args=["wind-power"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login") + "?next=")
    response = client.post(_edit_url(wind), _post_of(wind) | {"name": "匿名改名"})
    assert response.status_code == 302 and Chain.objects.get(pk=wind.pk).name == "风电装备"


# ---------------------------------------------------------------- import


def test_import_page_shows_the_upload_form(client, wind):
    response = f.signed_in(client, "t_analyst").get(reverse("web:chain_template_import"))
    assert response.status_code == 200 and 'type="file"' in response.content.decode()


def test_analyst_uploads_an_edited_template(client, wind):
    data = yaml.safe_load(export_chain_template(wind))
    data["description"] = "导入后的说明"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    ids = set(wind.links.values_list("id", flat=True))
    response = f.signed_in(client, "t_analyst").post(
        reverse("web:chain_template_import"), _upload(text)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:chain", args=["wind-power"])
    wind.refresh_from_db()
    assert wind.description == "导入后的说明"
    assert set(wind.links.values_list("id", flat=True)) == ids
    page = client.get(response["Location"]).content.decode()
    assert "已导入产业链模板：风电装备" in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code: [unclosed", "bad.yaml：YAML 格式错误"),
        (None, "环节 blades stage「sideways」无效"),
    ],
    ids=["not-yaml", "bad-stage"],
)
def test_bad_upload_shows_the_error_and_changes_nothing(client, wind, text, message):
    if text is None:
        data = yaml.safe_load(export_chain_template(wind))
        data["description"] = "不应生效"
        next(n for n in data["links"] if n["code"] == "blades")["stage"] = "sideways"
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    before = _snapshot()
    response = f.signed_in(client, "t_admin").post(
        reverse("web:chain_template_import"), _upload(text, "bad.yaml")
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot() == before


def test_upload_without_a_file_or_not_utf8_is_refused(client, wind):
    f.signed_in(client, "t_admin")
    url = reverse("web:chain_template_import")
    assert "请选择要导入的模板文件" in client.post(url, {}).content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("gbk.yaml", "代码".encode("gbk"))})
    assert response.status_code == 400 and "不是 UTF-8" in response.content.decode()


@pytest.mark.parametrize("who", ["t_leader", "t_qitai"])
def test_leader_and_officer_may_not_import(client, wind, who):
    f.signed_in(client, who)
    url = reverse("web:chain_template_import")
    assert client.get(url).status_code == 403
    data = yaml.safe_load(export_chain_template(wind)) | {"description": "越权"}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert client.post(url, _upload(text)).status_code == 403
    assert Chain.objects.get(pk=wind.pk).description != "越权"
