"""`chainvest ingest FILE [--date YYYY-MM-DD] --format json`: draft events from a news text."""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chainvest.engine.news import to_json
from chainvest.events.ingest import read_news


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date：应为 YYYY-MM-DD 格式的日期，实际为 {text!r}") from exc


class Command(BaseCommand):
    help = (
        "从新闻稿中读出招商活动、签约项目数与总投资、累计数字和具名签约项目（草稿，不写入数据库）。"
        "--date 为文稿日期，用于补全只写月日的日期。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="新闻文本文件（UTF-8）；- 表示标准输入")
        parser.add_argument("--date", default=None, help="文稿日期 YYYY-MM-DD")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, file: Path, **options) -> None:
        text = self._read(file)
        doc_date = _date(options["date"]) if options["date"] else None
        result = to_json(read_news(text, doc_date))
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._summary(result))

    def _read(self, file: Path) -> str:
        if str(file) == "-":
            import sys

            return sys.stdin.read()
        try:
            return file.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CommandError(f"FILE：找不到文件 {file}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"FILE：{file} 不是 UTF-8 文本") from exc

    def _summary(self, result: dict) -> str:
        lines = []
        for ev in result["events"]:
            money = ev["investment_yi"]["text"] if ev["investment_yi"] else "-"
            lines.append(
                f"活动：{ev['name'] or '-'}｜{ev['date'] or '-'}｜{ev['place'] or '-'}｜"
                f"{ev['organiser'] or '-'}｜签约 {ev['signed_count'] or '-'} 个｜{money}"
            )
            lines += [f"  企业：{p['company']}｜{p['project'] or '-'}" for p in ev["projects"]]
        for c in result["cumulative"]:
            money = c["investment_yi"]["text"] if c["investment_yi"] else "-"
            lines.append(f"累计：{c['label']}｜{c['count'] or '-'} 个｜{money}")
        return "\n".join(lines) or "未发现签约活动。"
