"""`chainvest report event N` and `chainvest report period 2023-08`, each with --xlsx F --docx F.

The period report is monthly (2023-08) or quarterly (2023-Q3); its .docx is the leaders' briefing.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chainvest.events.models import Event
from chainvest.reports.briefing import event_report
from chainvest.reports.exports import event_docx, event_xlsx, periodic_docx, periodic_xlsx


class Command(BaseCommand):
    help = (
        "导出报表。event N：第 N 号活动（加 --year 则为该年度第 N 场）的签约清单（.xlsx）"
        "和简报（.docx）；period 2023-08 或 2023-Q3：月度/季度统计报表（.xlsx）"
        "和领导简报（.docx）。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["event", "period"])
        parser.add_argument("which", help="活动编号，或报告期（2023-08 / 2023-Q3）")
        parser.add_argument("--year", type=int, default=None, help="按年度场次选择活动")
        parser.add_argument("--as-of", default=None, help="统计截止日 YYYY-MM-DD，默认今天")
        parser.add_argument("--xlsx", type=Path, default=None)
        parser.add_argument("--docx", type=Path, default=None)

    def handle(self, *args, **options) -> None:
        if not options["xlsx"] and not options["docx"]:
            raise CommandError("请至少指定 --xlsx 或 --docx 输出文件")
        if options["kind"] == "period":
            self._period(options)
        else:
            self._event(options)

    def _period(self, options) -> None:
        for key, writer in [("xlsx", periodic_xlsx), ("docx", periodic_docx)]:
            if not options[key]:
                continue
            try:
                with options[key].open("wb") as out:
                    label = writer(options["which"], out)
            except ValueError as exc:
                options[key].unlink(missing_ok=True)
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"已写入{label}{'统计报表' if key == 'xlsx' else '简报'}：{options[key]}"
            )

    def _event(self, options) -> None:
        report = event_report(self._find(options), self._as_of(options["as_of"]))
        for key, writer in [("xlsx", event_xlsx), ("docx", event_docx)]:
            if options[key]:
                with options[key].open("wb") as out:
                    writer(report, out)
                self.stdout.write(f"已写入 {options[key]}")
        self.stdout.write(report.briefing)

    def _find(self, options) -> Event:
        try:
            number = int(options["which"])
        except ValueError:
            raise CommandError(f"活动编号应为数字：{options['which']}") from None
        events = Event.objects.filter(archived=False)
        if options["year"]:
            found = events.filter(date__year=options["year"], sequence=number).first()
        else:
            found = events.filter(pk=number).first()
        if found is None:
            raise CommandError(f"找不到活动：{options['which']}")
        return found

    def _as_of(self, text: str | None) -> dt.date | None:
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--as-of 日期「{text}」应写成 YYYY-MM-DD") from None
