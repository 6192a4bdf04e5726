"""`chainvest load_chains`: load the chain templates (data/chains/*.yaml) into the database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chainvest.chains.loaders import load_chain_templates


class Command(BaseCommand):
    help = "载入产业集群与产业链模板（data/chains/*.yaml），可重复执行"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, default=None, help="模板目录，默认 DATA_DIR/chains")

    def handle(self, *args, **options) -> None:
        try:
            counts = load_chain_templates(options["dir"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            "产业集群 {clusters} 个，产业链 {chains} 条，环节 {links} 个，流向 {flows} 条；"
            "新建 {created} 行，更新 {updated} 行，关联增删 {relations} 处".format(**counts)
        )
