"""`chainvest snapshot-chains [--month YYYY-MM]`: store every chain's diagnosis for a month."""

from django.core.management.base import BaseCommand, CommandError

from chainvest.chains.snapshots import parse_month, take_snapshots


class Command(BaseCommand):
    help = "生成各产业链的月度诊断快照（同一月份重复运行结果相同，不会重复记录）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", help="月份，YYYY-MM；默认本月")
        parser.add_argument("--region", help="区划代码；默认为本州（CHAINVEST_HOME_REGION）")

    def handle(self, *args, **options) -> None:
        try:
            month = parse_month(options["month"]) if options["month"] else None
            result = take_snapshots(month, options["region"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result['month']:%Y-%m} 产业链诊断快照：产业链 {result['chains']} 条，"
            f"环节 {result['links']} 个"
        )
