"""`chainvest targets --link ID`: the ranked targets for one link (精准招商), as JSON or a table."""

import json

from django.core.management.base import BaseCommand, CommandError

from chainvest.chains.models import Link
from chainvest.chains.targeting import rank_targets
from chainvest.engine.targeting import PART_LABELS, PARTS


class Command(BaseCommand):
    help = "为一个产业链环节列出外地招商目标企业（得分、分项与推荐理由）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--link", type=int, required=True, help="环节 ID")
        parser.add_argument("--top", type=int, default=50, help="列出前 N 家，默认 50")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument(
            "--weight",
            action="append",
            default=[],
            metavar="PART=N",
            help=f"权重，可重复：{', '.join(PARTS)}",
        )

    def handle(self, *args, **options) -> None:
        if options["top"] < 1:
            raise CommandError("--top 必须是正整数")
        weights = _weights(options["weight"])
        link = Link.objects.select_related("chain").filter(pk=options["link"]).first()
        if link is None:
            raise CommandError(f"--link：没有 ID 为 {options['link']} 的环节")
        try:
            result = rank_targets(link, top=options["top"], weights=weights)
        except ValueError as exc:
            raise CommandError(f"--weight：{exc}") from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{link.chain.name} · {link.name}：候选 {result.candidates} 家")
        head = ["排名", "得分", *(PART_LABELS[p] for p in PARTS), "企业", "地区", "状态"]
        self.stdout.write("\t".join(head))
        for t in result.targets + result.known:
            parts = [f"{t.contributions[p]:.1f}" for p in PARTS]
            status = t.status or "新目标"
            row = [str(t.rank), f"{t.score:.1f}", *parts, t.name, t.region, status]
            self.stdout.write("\t".join(row))


def _weights(pairs: list[str]) -> dict[str, float] | None:
    if not pairs:
        return None
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise CommandError(f"--weight：{pair!r} 应写成 名称=数值")
    return out
