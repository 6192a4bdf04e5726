"""The enterprise import pages: upload, map unknown columns, result with progress and report."""

from __future__ import annotations

import io
import shutil
from functools import partial, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chainvest.accounts.permissions import can_write_enterprises, require
from chainvest.enterprises.importing import (
    import_file,
    import_in_background,
    progress_of,
    save_upload,
    start_batch,
    upload_path,
)
from chainvest.enterprises.importing_lock import mark_interrupted
from chainvest.enterprises.importing_read import (
    FIELDS,
    IGNORE,
    ImportFileError,
    open_table,
    parse_mapping,
    too_large_message,
)
from chainvest.enterprises.importing_report import template_xlsx
from chainvest.enterprises.models import ImportBatch, ImportStatus
from chainvest.enterprises.synth import HEADERS as VENDOR_HEADERS
from chainvest.web.views import crumbs

RECENT_BATCHES = 10
# The download template: a vendor export's columns plus the two the import also reads.
TEMPLATE_HEADERS = [*VENDOR_HEADERS[:4], "实缴资本", *VENDOR_HEADERS[4:], "是否上市"]


can_import = can_write_enterprises


def importer(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(can_import(request.user), "只有系统管理员和招商分析员可以导入企业名录")
        return view(request, *args, **kwargs)

    return wrapped


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return crumbs(("导入企业名录", reverse("web:enterprise_import") if items else None), *items)


@importer
def enterprise_import(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        skip = bool(request.POST.get("skip_invalid"))
        if upload is None:
            error = "请选择要导入的文件"
        else:
            try:
                return _start(request, upload, skip)
            except ImportFileError as exc:
                error = str(exc)
    mark_interrupted()  # a batch whose server died shows as failed, not 导入中 for ever
    return render(
        request,
        "web/import_upload.html",
        {
            "menu": "enterprise_import",
            "crumbs": _crumbs(),
            "error": error,
            "batches": ImportBatch.objects.select_related("uploaded_by")[:RECENT_BATCHES],
        },
        status=400 if error else 200,
    )


def _start(request: HttpRequest, upload: Any, skip: bool) -> HttpResponse:
    """Stage the file; ask for a mapping if some columns are unknown, else import at once."""
    if upload.size > settings.MAX_IMPORT_BYTES:  # save_upload checks again as it writes
        raise ImportFileError(too_large_message(settings.MAX_IMPORT_BYTES))
    path = save_upload(upload.chunks(), upload.name)
    try:
        columns = open_table(path, require_name=False).columns
    except ImportFileError:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    if columns.unknown or "name" not in columns.index:
        return _mapping_page(request, path, upload.name, skip)
    return _run(request, path, upload.name, skip, {})


def _mapping_page(
    request: HttpRequest, path: Path, name: str, skip: bool, error: str = ""
) -> HttpResponse:
    columns = open_table(path, require_name=False).columns
    by_pos = {pos: key for key, pos in columns.index.items()}
    rows = [
        {"pos": i, "header": h, "field": by_pos.get(i, ""), "known": i in by_pos}
        for i, h in enumerate(columns.headers)
        if h
    ]
    return render(
        request,
        "web/import_mapping.html",
        {
            "menu": "enterprise_import",
            "crumbs": _crumbs(("列映射", None)),
            "token": path.parent.name,
            "file_name": name,
            "skip_invalid": skip,
            "rows": rows,
            "fields": [*FIELDS.items(), (IGNORE, "不导入")],
            "missing_name": "name" not in columns.index,
            "error": error,
        },
        status=400 if error else 200,
    )


@importer
@require_POST
def enterprise_import_map(request: HttpRequest) -> HttpResponse:
    path = upload_path(request.POST.get("token", ""))
    if path is None:
        raise Http404("上传的文件已失效，请重新上传")
    name = request.POST.get("file_name", path.name)[:255]
    skip = bool(request.POST.get("skip_invalid"))
    headers = open_table(path, require_name=False).columns.headers
    chosen = {h: request.POST.get(f"map_{i}", "") for i, h in enumerate(headers) if h}
    try:
        mapping = parse_mapping({h: target for h, target in chosen.items() if target})
        if "name" not in mapping.values() and not _has_name(path, mapping):
            raise ImportFileError("请指定哪一列是“企业名称”")
    except ImportFileError as exc:
        return _mapping_page(request, path, name, skip, str(exc))
    return _run(request, path, name, skip, mapping)


def _has_name(path: Path, mapping: dict[str, str]) -> bool:
    return "name" in open_table(path, mapping, require_name=False).columns.index


def _run(
    request: HttpRequest, path: Path, name: str, skip: bool, mapping: dict[str, str]
) -> HttpResponse:
    """Start the import; in the background the result page shows its progress as it goes."""
    batch = start_batch(path, user=request.user, skip_invalid=skip, file_name=name)
    options = {
        "user": request.user,
        "skip_invalid": skip,
        "mapping": mapping,
        "file_name": name,
        "rejects_path": path.with_name("rejects.xlsx"),
    }
    # The report keeps what was wrong; the staged upload goes once the import is over.
    cleanup = partial(shutil.rmtree, path.parent, ignore_errors=True)
    if settings.IMPORT_IN_BACKGROUND:
        import_in_background(path, batch=batch, on_done=cleanup, **options)
    else:
        try:
            import_file(path, batch=batch, **options)
        finally:
            cleanup()
    return redirect("web:enterprise_import_result", pk=batch.pk)


def _batch_context(batch: ImportBatch) -> dict[str, Any]:
    progress = progress_of(batch)
    running = batch.status == ImportStatus.RUNNING
    unknown = [h for h, f in (batch.column_map or {}).items() if not f]
    return {
        "batch": batch,
        "progress": progress,
        "percent": progress.percent if running else 100,
        "running": running,
        "lines": [_line(e) for e in batch.errors],
        "more_errors": max(0, batch.rejected_count - len(batch.errors)),
        "unknown_columns": unknown,
        "imported": batch.created_count + batch.updated_count,
        "unchanged": max(
            0, batch.total_rows - batch.created_count - batch.updated_count - batch.rejected_count
        ),
    }


def _line(error: dict[str, Any]) -> str:
    if not error.get("row"):
        return error["message"]
    value = f"「{error['value']}」" if error.get("value") else ""
    return f"第 {error['row']} 行【{error['column']}】{value}：{error['message']}"


@importer
def enterprise_import_result(request: HttpRequest, pk: int) -> HttpResponse:
    mark_interrupted()
    batch = get_object_or_404(ImportBatch.objects.select_related("uploaded_by"), pk=pk)
    context = _batch_context(batch)
    context.update({"menu": "enterprise_import", "crumbs": _crumbs((batch.file_name, None))})
    return render(request, "web/import_result.html", context)


@importer
def enterprise_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    mark_interrupted()
    batch = get_object_or_404(ImportBatch, pk=pk)
    response = render(request, "web/import_status.html", _batch_context(batch))
    if batch.status != ImportStatus.RUNNING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the finished page shows the result and the errors
    return response


@importer
def enterprise_import_report(request: HttpRequest, pk: int) -> FileResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    path = Path(batch.report_path) if batch.report_path else None
    if path is None or not path.is_file():
        raise Http404("该批次没有错误报告")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"导入错误报告_{batch.pk}.xlsx"
    )


@importer
def enterprise_import_template(request: HttpRequest) -> FileResponse:
    data = io.BytesIO(template_xlsx(TEMPLATE_HEADERS))
    return FileResponse(data, as_attachment=True, filename="企业名录导入模板.xlsx")
