"""API tokens can be listed, expire and be revoked: in the API, on the 访问令牌 page and with
`chainvest tokens`. A token that is expired or revoked answers 401."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chainvest.accounts.models import ApiToken
from chainvest.accounts.services import issue_token, revoke_token

ME = "/api/chains"  # any read endpoint that needs a signed-in caller


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def live_states() -> dict[int, str]:
    return {t.pk: t.state for t in ApiToken.objects.all()}


# --- the token itself ----------------------------------------------------------------------


def test_live_token_reads_the_api(cast):
    _, raw = issue_token(cast["analyst"], "同步脚本")
    assert bearer(raw).get(ME).status_code == 200


def test_revoked_token_gets_401(cast):
    token, raw = issue_token(cast["analyst"])
    revoke_token(cast["analyst"], token)
    assert bearer(raw).get(ME).status_code == 401
    assert ApiToken.objects.get().state == "已吊销"


def test_expired_token_gets_401(cast):
    token, raw = issue_token(cast["analyst"], days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(raw).get(ME).status_code == 401
    assert ApiToken.objects.get().state == "已过期"


def test_token_of_a_deactivated_user_gets_401(cast):
    _, raw = issue_token(cast["analyst"])
    cast["analyst"].is_active = False
    cast["analyst"].save()
    assert bearer(raw).get(ME).status_code == 401


def test_only_the_hash_is_stored(cast):
    token, raw = issue_token(cast["analyst"])
    assert raw not in token.key_hash and len(token.key_hash) == 64


@pytest.mark.parametrize("days", [0, -1, 366])
def test_token_lifetime_must_be_one_day_to_a_year(cast, days):
    with pytest.raises(ValueError, match="有效期"):
        issue_token(cast["analyst"], days=days)
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_users_token_but_an_admin(cast):
    from django.core.exceptions import PermissionDenied

    token, raw = issue_token(cast["qitai"])
    with pytest.raises(PermissionDenied):
        revoke_token(cast["mulei"], token)
    assert bearer(raw).get(ME).status_code == 200
    revoke_token(cast["admin"], token)
    assert bearer(raw).get(ME).status_code == 401


# --- the 访问令牌 page -----------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(client, cast):
    response = client.get(reverse("web:tokens"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert client.post(reverse("web:tokens"), {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("who", ["leader", "qitai", "analyst"])
def test_any_role_creates_a_token_shown_once_that_works(client, cast, who):
    client.force_login(cast[who])
    response = client.post(reverse("web:tokens"), {"name": "数据同步", "days": "7"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    raw = re.search(r"data-token>([^<]+)<", response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.user == cast[who] and token.name == "数据同步"
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    assert bearer(raw).get(ME).status_code == 200
    assert raw not in client.get(reverse("web:tokens")).content.decode()  # shown once only


def test_bad_lifetime_is_a_clear_error_and_creates_nothing(client, cast):
    client.force_login(cast["analyst"])
    response = client.post(reverse("web:tokens"), {"days": "9999"})
    assert response.status_code == 400
    assert "有效期应为 1 到 365 之间的整数天" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_users_list_only_their_own_tokens(client, cast):
    issue_token(cast["qitai"], "奇台的令牌")
    issue_token(cast["mulei"], "木垒的令牌")
    client.force_login(cast["qitai"])
    page = client.get(reverse("web:tokens")).content.decode()
    assert "奇台的令牌" in page and "木垒的令牌" not in page


def test_admin_lists_every_users_tokens(client, cast):
    issue_token(cast["qitai"], "奇台的令牌")
    issue_token(cast["mulei"], "木垒的令牌")
    client.force_login(cast["admin"])
    page = client.get(reverse("web:tokens")).content.decode()
    assert "奇台的令牌" in page and "木垒的令牌" in page and "t_mulei" in page


def test_owner_revokes_own_token_on_the_page(client, cast):
    token, raw = issue_token(cast["leader"])
    client.force_login(cast["leader"])
    response = client.post(reverse("web:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert bearer(raw).get(ME).status_code == 401
    assert "已吊销" in client.get(reverse("web:tokens")).content.decode()


def test_officer_cannot_revoke_another_officers_token(client, cast):
    token, raw = issue_token(cast["mulei"])
    client.force_login(cast["qitai"])
    assert client.post(reverse("web:token_revoke", args=[token.pk])).status_code == 403
    assert live_states() == {token.pk: "有效"}


def test_admin_revokes_anyones_token_on_the_page(client, cast):
    token, raw = issue_token(cast["mulei"])
    client.force_login(cast["admin"])
    assert client.post(reverse("web:token_revoke", args=[token.pk])).status_code == 302
    assert live_states() == {token.pk: "已吊销"}


def test_revoke_needs_post(client, cast):
    token, _ = issue_token(cast["leader"])
    client.force_login(cast["leader"])
    assert client.get(reverse("web:token_revoke", args=[token.pk])).status_code == 405
    assert live_states() == {token.pk: "有效"}


# --- chainvest tokens ----------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("tokens", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_command_creates_a_working_token(cast):
    raw = run("create", "t_analyst", "--days", "10", "--name", "ETL").strip()
    assert bearer(raw).get(ME).status_code == 200
    assert ApiToken.objects.get().name == "ETL"


def test_command_lists_tokens_with_their_state(cast):
    live, _ = issue_token(cast["qitai"], "在用")
    gone, _ = issue_token(cast["mulei"], "停用")
    gone.revoke()
    listing = run("list")
    assert f"{live.pk}\tt_qitai\t有效" in listing and f"{gone.pk}\tt_mulei\t已吊销" in listing
    assert "停用" not in run("list", "--live")
    assert "在用" not in run("list", "--user", "t_mulei")


def test_command_revokes_tokens(cast):
    token, raw = issue_token(cast["qitai"])
    assert "已吊销 1 个令牌" in run("revoke", str(token.pk))
    assert bearer(raw).get(ME).status_code == 401


def test_command_errors_are_clear_and_change_nothing(cast):
    token, _ = issue_token(cast["qitai"])
    with pytest.raises(CommandError, match="令牌不存在：999"):
        run("revoke", str(token.pk), "999")
    assert live_states() == {token.pk: "有效"}
    with pytest.raises(CommandError, match="账号不存在"):
        run("create", "nobody")
    assert ApiToken.objects.count() == 1
