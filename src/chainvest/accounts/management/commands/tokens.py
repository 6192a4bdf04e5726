"""`chainvest tokens list|create|revoke`: API tokens from the shell, for administrators."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chainvest.accounts.models import ApiToken
from chainvest.accounts.services import issue_token


class Command(BaseCommand):
    help = "管理接口访问令牌：list 列出，create 新建（令牌只显示一次），revoke 吊销"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="列出访问令牌")
        listing.add_argument("--user", help="只列出该账号的令牌")
        listing.add_argument("--live", action="store_true", help="只列出有效的令牌")
        create = sub.add_parser("create", help="为账号新建访问令牌")
        create.add_argument("username")
        create.add_argument("--days", type=int, help="有效期（天），默认 API_TOKEN_DAYS")
        create.add_argument("--name", default="", help="用途")
        revoke = sub.add_parser("revoke", help="吊销访问令牌")
        revoke.add_argument("ids", type=int, nargs="+", help="令牌编号（见 list）")

    def handle(self, *args, **options) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _list(self, options: dict) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("pk")
        if options["user"]:
            tokens = tokens.filter(user__username=options["user"])
        if options["live"]:
            tokens = tokens.live()
        for t in tokens:
            expires = f"{timezone.localtime(t.expires_at):%Y-%m-%d %H:%M}"
            self.stdout.write(
                f"{t.pk}\t{t.user.username}\t{t.state}\t到期 {expires}\t{t.name or '-'}"
            )
        self.stdout.write(f"共 {len(tokens)} 条")

    def _create(self, options: dict) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"账号不存在：{options['username']}")
        try:
            token, raw = issue_token(user, options["name"], options["days"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"已为 {user.username} 新建令牌 {token.pk}，令牌只显示这一次：")
        self.stdout.write(raw)

    def _revoke(self, options: dict) -> None:
        found = {t.pk: t for t in ApiToken.objects.filter(pk__in=options["ids"])}
        missing = sorted(set(options["ids"]) - set(found))
        if missing:
            raise CommandError(f"令牌不存在：{', '.join(map(str, missing))}（未吊销任何令牌）")
        for token in found.values():
            token.revoke()
        self.stdout.write(f"已吊销 {len(found)} 个令牌：{', '.join(map(str, sorted(found)))}")
