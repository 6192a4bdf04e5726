"""`chainvest backup FILE`: a consistent copy of the whole database, taken while it runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chainvest.accounts.backup import BackupError, backup, vendor


class Command(BaseCommand):
    help = "备份整个数据库到文件（SQLite 在线备份；PostgreSQL 为 pg_dump 自定义格式）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="备份文件路径")

    def handle(self, *args, **options) -> None:
        try:
            backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = options["file"].stat().st_size
        self.stdout.write(f"已备份 {vendor()} 数据库到 {options['file']}（{size} 字节）")
