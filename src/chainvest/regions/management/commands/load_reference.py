"""`chainvest load_reference`: load divisions, parks and industry codes from data/."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chainvest.regions.loaders import ReferenceDataError, load_reference


class Command(BaseCommand):
    help = "导入参考数据：行政区划（GB/T 2260）、园区、国民经济行业分类（GB/T 4754-2017）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--data-dir", type=Path, help="数据目录，默认为设置中的 DATA_DIR")

    def handle(self, *args, data_dir: Path | None = None, **options) -> None:
        try:
            counts = load_reference(data_dir)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"参考数据已导入：新增行政区划 {counts['regions']} 条，园区 {counts['parks']} 个，"
            f"行业分类 {counts['industries']} 条；更新已有记录 {counts['updated']} 条。"
        )
