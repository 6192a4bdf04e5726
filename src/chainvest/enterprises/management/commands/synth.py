"""`chainvest synth`: write a synthetic national enterprise pool as a vendor-style CSV."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chainvest.enterprises.synth import MAX_ENTERPRISES, read_words, write_pool

WARNING = "注意：生成的是合成（虚构）企业数据，仅供性能测试与演练使用，不得作为真实数据展示或使用。"


class Command(BaseCommand):
    help = (
        "生成合成的全国企业池（虚构数据，仅用于性能测试与演练，不得当作真实数据使用）。"
        "输出与数据服务商导出格式相同的 CSV（UTF-8，首行即表头）；"
        "同一 --seed 生成的文件逐字节相同。"
        "企业名称、统一社会信用代码、法定代表人、地址与关系均为虚构，与真实企业的任何重合纯属巧合。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enterprises", type=int, required=True, help="企业数量")
        parser.add_argument("--seed", type=int, default=1, help="随机种子，默认 1")
        parser.add_argument("--out", type=Path, required=True, help="企业 CSV 输出文件")
        parser.add_argument(
            "--relations",
            type=Path,
            default=None,
            help="企业关系 CSV 输出文件"
            "（source_uscc,target_uscc,kind：supplies/buys_from/invests_in）",
        )
        parser.add_argument("--data-dir", type=Path, default=None, help="数据目录，默认 DATA_DIR")

    def handle(self, *args, **options) -> None:
        count = options["enterprises"]
        if not 0 <= count <= MAX_ENTERPRISES:
            raise CommandError(f"--enterprises 应在 0 到 {MAX_ENTERPRISES} 之间，实际为 {count}")
        self.stderr.write(WARNING)
        words = read_words(options["data_dir"] or Path(settings.DATA_DIR))
        rel_path = options["relations"]
        with open(options["out"], "w", encoding="utf-8", newline="") as out:
            if rel_path is None:
                written, ties = write_pool(words, count, options["seed"], out)
            else:
                with open(rel_path, "w", encoding="utf-8", newline="") as rel:
                    written, ties = write_pool(words, count, options["seed"], out, rel)
        extra = f"，关系 {ties} 条 → {rel_path}" if rel_path else ""
        self.stdout.write(f"已生成合成企业 {written} 家 → {options['out']}{extra}")
