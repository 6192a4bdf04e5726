"""`chainvest classify`: place enterprises on chain links; `--evaluate FILE` measures it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chainvest.enterprises.classification import (
    classify_enterprises,
    evaluate,
    format_evaluation,
)


class Command(BaseCommand):
    help = (
        "按经营范围、企业名称和国标行业把企业归入产业链环节。"
        "默认只处理尚无环节归属的企业；--all 重新分类整个企业池（人工归属始终保留）；"
        "--evaluate 在标注样本上计算精确率与召回率，不改动数据库。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="重新分类整个企业池")
        parser.add_argument("--ids", default="", help="只分类这些企业（逗号分隔的 ID）")
        parser.add_argument("--evaluate", type=Path, default=None, help="标注样本 CSV")

    def handle(self, *args, **options) -> None:
        if options["evaluate"]:
            self._evaluate(options["evaluate"])
            return
        ids = self._ids(options["ids"])
        counts = classify_enterprises(ids, only_unplaced=ids is None and not options["all"])
        self.stdout.write(
            f"已分类企业 {counts['enterprises']} 家，其中 {counts['placed']} 家归入环节；"
            f"写入自动归属 {counts['links']} 条，替换旧的自动归属 {counts['removed']} 条，"
            f"因已有人工归属而跳过 {counts['manual_kept']} 条，"
            f"因人工排除而跳过 {counts['excluded']} 条。"
        )

    def _ids(self, text: str) -> list[int] | None:
        if not text.strip():
            return None
        try:
            return [int(part) for part in text.split(",") if part.strip()]
        except ValueError as exc:
            raise CommandError(f"--ids 应为逗号分隔的企业 ID：{text}") from exc

    def _evaluate(self, path: Path) -> None:
        if not path.exists():
            raise CommandError(f"标注样本文件不存在：{path}")
        try:
            result = evaluate(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("\n".join(format_evaluation(result)))
