"""The import pages: who may import, upload → result, column mapping, progress, the report."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chainvest.enterprises import importing_bulk
from chainvest.enterprises.importing import import_file
from chainvest.enterprises.models import Enterprise, ImportBatch, ImportStatus
from tests.enterprises.test_import_support import industries, row, uscc, write_csv
from tests.web import factories as f


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def world(cast, changji):
    industries()
    return cast


def csv_upload(tmp_path, rows, name="企业名录.csv"):
    path = write_csv(tmp_path / "upload.csv", rows)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def upload(client, tmp_path, rows, **extra):
    data = {"file": csv_upload(tmp_path, rows), **extra}
    return client.post(reverse("web:enterprise_import"), data, follow=True)


def pool_state():
    return sorted(Enterprise.objects.values_list("id", "name", "uscc", "registered_capital_wan"))


PAGES = ["enterprise_import", "enterprise_import_template"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitor_is_sent_to_login(client, world, page):
    response = client.get(reverse(f"web:{page}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("username", ["t_leader", "t_qitai"])
def test_leaders_and_officers_may_not_import(client, world, tmp_path, username):
    f.signed_in(client, username)
    assert client.get(reverse("web:enterprise_import")).status_code == 403
    assert upload(client, tmp_path, [row(1)]).status_code == 403
    batch = import_file(write_csv(tmp_path / "a.csv", [row(1)])).batch
    assert client.get(reverse("web:enterprise_import_result", args=[batch.pk])).status_code == 403
    assert not ImportBatch.objects.filter(uploaded_by__username=username).exists()


@pytest.mark.parametrize("username", ["t_admin", "t_analyst"])
def test_upload_page_shows_the_drag_zone_and_the_rules(client, world, username):
    html = f.signed_in(client, username).get(reverse("web:enterprise_import")).content.decode()
    assert "将文件拖到此处，或<em>点击上传</em>" in html
    assert "仅允许导入 csv、xlsx 格式文件。" in html
    assert "跳过错误行" in html and "下载模板" in html
    assert f.inline_scripts(html) == []


def test_good_file_is_imported_and_the_success_message_shown(client, world, tmp_path):
    f.signed_in(client, "t_analyst")
    response = upload(client, tmp_path, [row(1), row(2)])
    html = response.content.decode()
    assert "恭喜您，数据已全部导入成功！共 2 条" in html
    assert Enterprise.objects.count() == 2
    batch = ImportBatch.objects.get()
    assert batch.uploaded_by.username == "t_analyst" and batch.file_name == "企业名录.csv"
    assert Enterprise.history.filter(history_user__username="t_analyst").count() == 2


def test_thousand_rows_with_ten_bad_ones_show_ten_errors_and_leave_the_pool_unchanged(
    client, world, tmp_path
):
    import_file(write_csv(tmp_path / "first.csv", [row(n) for n in range(1, 6)]))
    before = pool_state()
    bad = {n * 97 for n in range(1, 11)}  # ten rows spread through the file
    rows = [
        row(n, 注册资本="800万元", 成立日期="2015-02-30" if n in bad else "2016-01-01")
        for n in range(1, 1001)
    ]
    f.signed_in(client, "t_admin")
    html = upload(client, tmp_path, rows).content.decode()
    assert "很抱歉，导入失败！共 10 条数据格式不正确，错误如下：" in html
    lines = re.findall(r"<li>(\d+)、第 (\d+) 行【成立日期】「2015-02-30」：日期不存在</li>", html)
    assert [int(i) for i, _ in lines] == list(range(1, 11))
    assert sorted(int(r) - 1 for _, r in lines) == sorted(bad)  # Excel row = data row + header
    assert pool_state() == before
    batch = ImportBatch.objects.latest("id")
    report = client.get(reverse("web:enterprise_import_report", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert sheet.max_row == 11 and sheet["E2"].value == "日期不存在"


def test_skip_invalid_box_imports_the_good_rows(client, world, tmp_path):
    f.signed_in(client, "t_analyst")
    rows = [row(1), row(2, 统一社会信用代码="123"), row(3)]
    html = upload(client, tmp_path, rows, skip_invalid="1").content.decode()
    assert "成功导入 2 条，跳过 1 条" in html
    assert "1、第 3 行【统一社会信用代码】「123」" in html
    assert Enterprise.objects.count() == 2


def test_unknown_columns_are_mapped_on_a_second_step(client, world, tmp_path):
    f.signed_in(client, "t_analyst")
    content = f"单位全称,统一社会信用代码,联系电话,备注\n甲公司,{uscc(1)},0994-1,无\n".encode()
    file = SimpleUploadedFile("x.csv", content, content_type="text/csv")
    page = client.post(reverse("web:enterprise_import"), {"file": file})
    html = page.content.decode()
    assert "列映射" in html and "没有找到“企业名称”列" in html
    assert not Enterprise.objects.exists()
    token = re.search(r'name="token" value="(\w+)"', html).group(1)
    data = {"token": token, "file_name": "x.csv", "map_0": "name", "map_2": "ignore"}
    result = client.post(reverse("web:enterprise_import_map"), data, follow=True)
    html = result.content.decode()
    assert "恭喜您，数据已全部导入成功！共 1 条" in html
    assert "以下列未识别，未导入：备注" in html
    assert Enterprise.objects.get().name == "甲公司"


def test_mapping_must_name_the_enterprise_column(client, world, tmp_path):
    f.signed_in(client, "t_analyst")
    file = SimpleUploadedFile("x.csv", f"单位全称,统一社会信用代码\n甲,{uscc(1)}\n".encode())
    html = client.post(reverse("web:enterprise_import"), {"file": file}).content.decode()
    token = re.search(r'name="token" value="(\w+)"', html).group(1)
    response = client.post(reverse("web:enterprise_import_map"), {"token": token})
    assert response.status_code == 400 and "企业名称" in response.content.decode()
    bogus = client.post(reverse("web:enterprise_import_map"), {"token": "../../etc"})
    assert bogus.status_code == 404


def test_wrong_file_type_is_refused_on_the_form(client, world):
    f.signed_in(client, "t_analyst")
    file = SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0")
    response = client.post(reverse("web:enterprise_import"), {"file": file})
    assert response.status_code == 400
    assert "仅允许导入 csv、xlsx 格式文件" in response.content.decode()
    assert client.post(reverse("web:enterprise_import"), {}).status_code == 400


def test_running_batch_polls_every_second_and_a_finished_one_stops(client, world):
    f.signed_in(client, "t_analyst")
    batch = ImportBatch.objects.create(
        file_name="big.csv", status=ImportStatus.RUNNING, total_rows=200, processed_rows=50
    )
    url = reverse("web:enterprise_import_status", args=[batch.pk])
    html = client.get(reverse("web:enterprise_import_result", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="12"' in html  # checking: first half
    batch.status = ImportStatus.DONE
    batch.save()
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in done.content.decode() and done["HX-Refresh"] == "true"


def test_progress_bar_follows_the_write_phase_of_a_running_import(client, world):
    f.signed_in(client, "t_analyst")
    batch = ImportBatch.objects.create(
        file_name="big.csv", status=ImportStatus.RUNNING, total_rows=8, processed_rows=8
    )
    url = reverse("web:enterprise_import_status", args=[batch.pk])
    importing_bulk.report(batch.pk, "write", 4, 8)  # as the import thread does, per chunk
    try:
        html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    finally:
        importing_bulk.forget(batch.pk)
    assert 'value="75"' in html and "正在写入：已写入 4 / 8 行" in html
    after = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="50"' in after and "正在校验：已处理 8 / 8 行" in after


def test_template_download_has_the_recognised_headers(client, world):
    response = f.signed_in(client, "t_admin").get(reverse("web:enterprise_import_template"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[1]][:3] == ["企业名称", "统一社会信用代码", "法定代表人"]


@pytest.mark.django_db(transaction=True)
def test_web_import_runs_in_the_background_and_the_page_follows_it(
    client, cast, changji, tmp_path, settings
):
    import time

    industries()
    settings.IMPORT_IN_BACKGROUND = True
    f.signed_in(client, "t_analyst")
    response = client.post(
        reverse("web:enterprise_import"),
        {"file": csv_upload(tmp_path, [row(i) for i in range(1, 41)])},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:enterprise_import_result", args=[batch.pk])
    assert batch.total_rows >= 40  # estimated before the thread starts, so the bar has a scale
    deadline = time.monotonic() + 60
    while batch.status == ImportStatus.RUNNING and time.monotonic() < deadline:
        time.sleep(0.2)
        batch.refresh_from_db()
    assert (batch.status, batch.created_count) == (ImportStatus.DONE, 40)
    status = client.get(reverse("web:enterprise_import_status", args=[batch.pk]))
    assert "已完成" in status.content.decode() and "共处理 40 行" in status.content.decode()
    assert Enterprise.objects.count() == 40
