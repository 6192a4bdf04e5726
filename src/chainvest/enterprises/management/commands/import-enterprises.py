"""`chainvest import-enterprises FILE`: import a vendor export (CSV or XLSX) into the pool."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chainvest.enterprises.importing import import_file
from chainvest.enterprises.importing_read import ImportFileError, field_list, parse_mapping


class Command(BaseCommand):
    help = "导入企业名录（CSV 或 XLSX）：先校验全部行，有错误行时不导入任何数据并输出错误报告"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="CSV 或 XLSX 文件")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="原列名=字段",
            help=f"把未识别的列对应到字段（可重复）；字段：{field_list()}",
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="跳过错误行，导入其余行并输出被跳过的行"
        )
        parser.add_argument("--rejects", type=Path, help="被跳过的行写到此文件（.xlsx 或 .csv）")
        parser.add_argument("--no-hooks", action="store_true", help="导入后不做查重与环节归类")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            mapping = parse_mapping(options["map"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        result = import_file(
            path,
            skip_invalid=options["skip_invalid"],
            mapping=mapping,
            rejects_path=options["rejects"],
            hooks=not options["no_hooks"],
        )
        self._report(result)

    def _report(self, result) -> None:
        batch = result.batch
        for header in result.unknown_columns:
            self.stderr.write(f'未识别的列「{header}」未导入；可用 --map "{header}=字段" 指定')
        if not result.ok:
            lines = [e.line() if e.row else e.message for e in result.errors[:50]]
            more = len(result.errors) - len(lines)
            tail = [f"……另有 {more} 条错误"] if more > 0 else []
            report = [f"错误报告：{batch.report_path}"] if batch.report_path else []
            raise CommandError(
                "\n".join(
                    [f"导入失败，未导入任何数据：共 {batch.rejected_count} 行数据格式不正确"]
                    + lines
                    + tail
                    + report
                )
            )
        self.stdout.write(
            f"导入完成（批次 {batch.pk}）：共 {batch.total_rows} 行，"
            f"新增 {batch.created_count} 家，更新 {batch.updated_count} 家，"
            f"跳过 {batch.rejected_count} 行"
        )
        if result.rejects_path:
            self.stdout.write(f"被跳过的行已写入：{result.rejects_path}")
            self.stdout.write(f"错误报告：{batch.report_path}")
