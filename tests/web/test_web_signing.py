"""Project page: signing registry, evidence upload and download, the duplicate warning."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainvest.projects.models import Evidence, Project, Signing
from chainvest.projects.services import record_signing
from tests.web import factories as f
from tests.web.factories import D

USCC = "91110108551385082Q"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(cast, changji):
    e1 = f.event("第一场推介会", D(2023, 3, 10))
    e4 = f.event("第四场推介会", D(2023, 8, 18))
    item = f.project(
        cast["qitai"], changji["qitai"], "奇台风电装备项目", agreed="10亿元",
        signed=D(2023, 3, 10), event_id=e1.id, investor_uscc=USCC,
    )  # fmt: skip
    return {"e1": e1, "e4": e4, "project": item}


def url(name, pk):
    return reverse(f"web:{name}", args=[pk])


def test_officer_registers_a_resigning_and_the_page_flags_it(client, world):
    officer = f.signed_in(client, "t_qitai")
    response = officer.post(
        url("project_signing", world["project"].pk),
        {"event": world["e4"].pk, "date": "2023-08-18", "document": "protocol", "amount": ""},
    )
    assert response.status_code == 302
    assert list(Signing.objects.values_list("kind", flat=True)) == ["first", "resign"]
    page = officer.get(url("project", world["project"].pk)).content.decode()
    assert "重复签约" in page and 'class="tag tag-danger">重复签约' in page


def test_signing_errors_show_on_the_field(client, world):
    record_signing(_user("t_qitai"), world["project"], D(2023, 8, 18), world["e4"])
    response = f.signed_in(client, "t_qitai").post(
        url("project_signing", world["project"].pk),
        {"event": world["e4"].pk, "date": "2023-08-18", "document": "protocol"},
    )
    assert response.status_code == 200
    assert "同一活动不能重复登记" in response.content.decode()
    assert Signing.objects.count() == 2


def _user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_leader_sees_signings_but_no_forms_and_cannot_post(client, world):
    leader = f.signed_in(client, "t_leader")
    page = leader.get(url("project", world["project"].pk)).content.decode()
    assert "签约登记" in page and "登记签约" not in page and "上传材料" not in page
    response = leader.post(
        url("project_signing", world["project"].pk),
        {"event": world["e4"].pk, "date": "2023-08-18", "document": "protocol"},
    )
    assert response.status_code == 403
    assert not Signing.objects.exists()


def test_other_county_officer_cannot_register_or_upload(client, world):
    other = f.signed_in(client, "t_mulei")
    pk = world["project"].pk
    assert other.post(url("project_signing", pk), {"date": "2023-08-18"}).status_code == 403
    upload = SimpleUploadedFile("许可证.pdf", b"%PDF-1.4")
    data = {"stage": "construction", "kind": "permit", "file": upload}
    assert other.post(url("project_evidence", pk), data).status_code == 403
    assert not Evidence.objects.exists() and not Signing.objects.exists()


def test_upload_then_download_evidence(client, world):
    officer = f.signed_in(client, "t_qitai")
    upload = SimpleUploadedFile("投资协议.pdf", b"%PDF-1.4 agreement")
    response = officer.post(
        url("project_evidence", world["project"].pk),
        {"stage": "signed", "kind": "agreement", "file": upload, "note": "正本扫描件"},
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    leader = f.signed_in(client, "t_leader")
    download = leader.get(url("evidence_file", item.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 agreement"
    assert "attachment" in download["Content-Disposition"]


def test_bad_upload_is_shown_in_the_form(client, world):
    upload = SimpleUploadedFile("脚本.exe", b"MZ")
    response = f.signed_in(client, "t_qitai").post(
        url("project_evidence", world["project"].pk),
        {"stage": "signed", "kind": "agreement", "file": upload},
    )
    assert response.status_code == 200 and "仅允许上传" in response.content.decode()
    assert not Evidence.objects.exists()


def test_anonymous_cannot_download_evidence(client, world):
    officer = f.signed_in(client, "t_qitai")
    officer.post(
        url("project_evidence", world["project"].pk),
        {"stage": "signed", "kind": "agreement", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
    )
    client.logout()
    assert client.get(url("evidence_file", Evidence.objects.get().pk)).status_code == 302


def test_duplicate_warning_then_confirmed_save(client, world, changji):
    officer = f.signed_in(client, "t_qitai")
    data = {
        "name": "奇台风电装备建设项目",
        "county": changji["qitai"].pk,
        "investor_uscc": USCC,
        "investor_origin": "domestic",
    }
    response = officer.post(reverse("web:project_create"), data)
    assert response.status_code == 200
    assert "名称相近的项目" in response.content.decode()
    assert Project.objects.count() == 1
    response = officer.post(reverse("web:project_create"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Project.objects.count() == 2


def test_officer_enters_a_month_and_sees_agreed_against_realised(client, world):
    officer = f.signed_in(client, "t_qitai")
    response = officer.post(
        url("project_month", world["project"].pk),
        {
            "month": "2023-05",
            "funds_arrived_yi": "2.5",
            "fixed_asset_done_yi": "1",
            "jobs_created": "40",
        },
    )
    assert response.status_code == 302
    page = officer.get(url("project", world["project"].pk)).content.decode()
    assert "累计到位资金</th><td>2.5亿元（资金到位率 25.0%）" in page
    assert "2023-05" in page and "40人" in page


def test_month_errors_show_in_the_form(client, world):
    response = f.signed_in(client, "t_qitai").post(
        url("project_month", world["project"].pk),
        {
            "month": "2099-01",
            "funds_arrived_yi": "1",
            "fixed_asset_done_yi": "0",
            "jobs_created": "0",
        },
    )
    assert response.status_code == 200 and "月份不能晚于本月" in response.content.decode()


def test_leader_and_outsider_cannot_enter_months(client, world):
    data = {
        "month": "2023-05",
        "funds_arrived_yi": "1",
        "fixed_asset_done_yi": "0",
        "jobs_created": "0",
    }
    pk = world["project"].pk
    assert f.signed_in(client, "t_leader").post(url("project_month", pk), data).status_code == 403
    assert f.signed_in(client, "t_mulei").post(url("project_month", pk), data).status_code == 403
    client.logout()
    assert client.post(url("project_month", pk), data).status_code == 302
    from chainvest.projects.models import ProjectMonth

    assert not ProjectMonth.objects.exists()
