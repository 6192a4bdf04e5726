"""A batch whose server died mid-import is shown as failed, never 导入中 for ever."""

import pytest
from django.urls import reverse

from chainvest.enterprises import importing_lock
from chainvest.enterprises.importing import import_file, start_batch
from chainvest.enterprises.models import ImportBatch, ImportStatus
from tests.web import factories as f


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def _running_batch() -> ImportBatch:
    return ImportBatch.objects.create(file_name="big.csv", status=ImportStatus.RUNNING)


def test_batch_whose_lock_nobody_holds_is_marked_failed_when_the_page_is_read(
    client, cast, var_dir
):
    batch = _running_batch()
    path = importing_lock.lock_path(batch.pk)
    path.parent.mkdir(parents=True)
    path.touch()  # what a killed importer leaves: the file, no holder
    f.signed_in(client, "t_analyst")
    html = client.get(reverse("web:enterprise_import_result", args=[batch.pk])).content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.finished_at is not None
    assert "导入中断" in html and not path.exists()


def test_batch_whose_import_is_alive_stays_running(client, cast, var_dir, tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("企业名称\n甲公司\n", encoding="utf-8")
    batch = start_batch(source)
    try:
        assert importing_lock.lock_path(batch.pk).exists()
        assert importing_lock.mark_interrupted() == 0
        f.signed_in(client, "t_analyst")
        client.get(reverse("web:enterprise_import"))
        batch.refresh_from_db()
        assert batch.status == ImportStatus.RUNNING
    finally:
        importing_lock.release(batch.pk)
    assert not importing_lock.lock_path(batch.pk).exists()


def test_batch_without_a_lock_file_is_left_alone(cast, var_dir):
    batch = _running_batch()
    assert importing_lock.mark_interrupted() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.RUNNING


def test_finished_import_leaves_no_lock_behind(cast, var_dir, tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("企业名称\n\n", encoding="utf-8")
    result = import_file(source)
    assert result.batch.status != ImportStatus.RUNNING
    assert not importing_lock.lock_path(result.batch.pk).exists()
    assert importing_lock.mark_interrupted() == 0
