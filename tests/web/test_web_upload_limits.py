"""Uploads are limited in size and type: an enterprise list over the size limit, with a
wrong extension, or whose content is not what its extension says, is refused with a clear
error and changes nothing; a spreadsheet with a formula is refused, never evaluated."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainvest.enterprises.importing import report_dir
from chainvest.enterprises.models import Enterprise, ImportBatch
from tests.enterprises.test_import_support import industries, row, uscc, write_csv, write_xlsx
from tests.web import factories as f


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def analyst(client, cast, changji):
    industries()
    return f.signed_in(client, "t_analyst")


def post_file(client, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("web:enterprise_import"), {"file": upload})


def assert_nothing_changed() -> None:
    assert not Enterprise.objects.exists()
    assert not ImportBatch.objects.exists()
    staged = report_dir() / "uploads"
    assert not staged.exists() or not any(staged.iterdir())  # no staged upload left behind


def test_oversize_upload_is_refused_in_chinese_and_changes_nothing(analyst, tmp_path, settings):
    content = write_csv(tmp_path / "big.csv", [row(i) for i in range(1, 40)]).read_bytes()
    settings.MAX_IMPORT_BYTES = len(content) - 1
    response = post_file(analyst, "企业名录.csv", content)
    assert response.status_code == 400
    assert "文件超过大小上限" in response.content.decode()
    assert_nothing_changed()


def test_upload_at_the_size_limit_is_accepted(analyst, tmp_path, settings):
    content = write_csv(tmp_path / "ok.csv", [row(1)]).read_bytes()
    settings.MAX_IMPORT_BYTES = len(content)
    assert post_file(analyst, "企业名录.csv", content).status_code == 302
    assert Enterprise.objects.count() == 1


@pytest.mark.parametrize("name", ["名录.txt", "名录.xls", "名录.html", "名录"])
def test_other_extensions_are_refused(analyst, tmp_path, name):
    content = write_csv(tmp_path / "a.csv", [row(1)]).read_bytes()
    response = post_file(analyst, name, content)
    assert response.status_code == 400
    assert "仅允许导入 csv、xlsx 格式文件" in response.content.decode()
    assert_nothing_changed()


def test_xlsx_whose_content_is_not_a_workbook_is_refused(analyst, tmp_path):
    content = write_csv(tmp_path / "a.csv", [row(1)]).read_bytes()
    response = post_file(analyst, "名录.xlsx", content)
    assert response.status_code == 400
    assert "不是有效的 xlsx 文件（内容与扩展名不符）" in response.content.decode()
    assert_nothing_changed()


def test_zip_that_is_not_a_workbook_is_refused(analyst, tmp_path):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("payload.exe", b"MZ")
    response = post_file(analyst, "名录.xlsx", buffer.getvalue())
    assert response.status_code == 400 and "内容与扩展名不符" in response.content.decode()
    assert_nothing_changed()


@pytest.mark.parametrize("content", [b"MZ\x90\x00\x03\x00binary", b"PK\x03\x04zipped"])
def test_csv_whose_content_is_binary_is_refused(analyst, content):
    response = post_file(analyst, "名录.csv", content)
    assert response.status_code == 400
    assert "不是文本格式的 CSV" in response.content.decode()
    assert_nothing_changed()


def test_xlsx_named_as_csv_is_refused(analyst, tmp_path):
    book = write_xlsx(
        tmp_path / "a.xlsx", [["甲公司", uscc(1)]], headers=["企业名称", "统一社会信用代码"]
    )
    response = post_file(analyst, "名录.csv", book.read_bytes())
    assert response.status_code == 400
    assert_nothing_changed()


def test_gbk_csv_is_still_accepted(analyst, tmp_path):
    content = write_csv(tmp_path / "gbk.csv", [row(1)], encoding="gbk").read_bytes()
    assert post_file(analyst, "企业名录.csv", content).status_code == 302
    assert Enterprise.objects.count() == 1


def test_xlsx_with_a_formula_in_the_header_rows_is_refused_on_upload(analyst, tmp_path):
    rows = [['=HYPERLINK("http://example.com","甲公司")', uscc(1)]]
    book = write_xlsx(tmp_path / "f.xlsx", rows, headers=["企业名称", "统一社会信用代码"])
    response = post_file(analyst, "名录.xlsx", book.read_bytes())
    assert response.status_code == 400
    assert "第 2 行第 A 列是公式" in response.content.decode()
    assert_nothing_changed()


def test_xlsx_with_a_formula_further_down_fails_the_batch_and_writes_nothing(analyst, tmp_path):
    rows = [[f"昌吉测试企业{i}", uscc(i)] for i in range(1, 40)]
    rows.append(['=WEBSERVICE("http://example.com/x")', uscc(40)])
    book = write_xlsx(tmp_path / "f.xlsx", rows, headers=["企业名称", "统一社会信用代码"])
    response = post_file(analyst, "名录.xlsx", book.read_bytes())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert batch.status == "failed" and batch.errors[0]["row"] == 41
    assert "公式" in batch.errors[0]["message"]
    assert not Enterprise.objects.exists()
