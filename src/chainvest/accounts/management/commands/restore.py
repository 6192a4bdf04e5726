"""`chainvest restore FILE [--force]`: put a backup back; never silently over existing data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chainvest.accounts.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份文件恢复整个数据库；数据库已有数据时须加 --force"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="由 chainvest backup 生成的备份文件")
        parser.add_argument("--force", action="store_true", help="覆盖当前数据库中的全部数据")

    def handle(self, *args, **options) -> None:
        try:
            restore(options["file"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已从 {options['file']} 恢复数据库")
