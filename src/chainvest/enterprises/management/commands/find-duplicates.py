"""`chainvest find-duplicates`: look for duplicate enterprises over the whole pool."""

from django.core.management.base import BaseCommand

from chainvest.enterprises.duplicates import detect_all


class Command(BaseCommand):
    help = "在整个企业库中查找疑似重复企业，结果进入合并队列（已处理过的企业对不会重复提出）"

    def handle(self, *args, **options) -> None:
        found = detect_all()
        self.stdout.write(f"新发现疑似重复企业 {found} 对，请在“疑似重复企业”页面处理")
