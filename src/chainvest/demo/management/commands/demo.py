"""`chainvest demo`: load the reference tables, then the Changji demo dataset (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from chainvest.accounts.models import Profile, Role
from chainvest.demo.loader import DemoDataError, load_demo, load_demo_history
from chainvest.enterprises.classification import classify_enterprises
from chainvest.regions.loaders import load_reference

LABELS = {
    "users": "演示账号",
    "enterprises": "企业",
    "relations": "企业关系",
    "events": "招商活动",
    "projects": "招商项目",
    "stage_changes": "阶段变更记录",
    "engagements": "精准对接",
    "placements": "人工归入环节",
    "chain_chiefs": "链长",
    "chain_leaders": "链主企业",
    "signings": "签约登记",
    "event_plans": "年度活动计划",
    "plan_months": "计划月份",
    "invitations": "活动邀请",
}


class Command(BaseCommand):
    help = "加载参考数据和昌吉州示例数据（可重复运行，已存在的记录不变）"

    def handle(self, *args, **options) -> None:
        try:
            reference = load_reference()
            result = load_demo()
            # Only enterprises without links: a second run then changes nothing.
            placed = classify_enterprises(only_unplaced=True)
            months = load_demo_history()
        except (DemoDataError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"参考数据本次新建：行政区划 {reference['regions']}，园区 {reference['parks']}，"
            f"行业分类 {reference['industries']}"
        )
        counts = "，".join(f"{LABELS.get(k, k)} {v}" for k, v in result["created"].items())
        self.stdout.write(f"示例数据已加载，本次新建：{counts}")
        self.stdout.write(
            f"自动归入产业链环节：本次新归入企业 {placed['placed']} 家，"
            f"写入环节归属 {placed['links']} 条"
        )
        if months:
            self.stdout.write(f"产业链月度诊断快照：{months} 个月（2023年）")
        if result["new_users"]:
            self._print_logins(result["new_users"])

    def _print_logins(self, usernames: list[str]) -> None:
        roles = dict(
            Profile.objects.filter(user__username__in=usernames).values_list(
                "user__username", "role"
            )
        )
        self.stdout.write("演示账号（仅本次显示）：")
        for name in usernames:
            role = Role(roles[name]).label if name in roles else ""
            self.stdout.write(f"  {name:<10} {role}")
        self.stdout.write(
            "  密码：环境变量 CHAINVEST_DEMO_PASSWORD 的值（未设置时为 changji-demo-2026）"
        )
