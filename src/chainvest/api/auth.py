"""Who is calling: a bearer token from POST /api/auth/token, or the browser's session for reads."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from chainvest.accounts.models import ApiToken
from chainvest.accounts.permissions import can_read
from chainvest.api.schemas import ErrorOut, TokenIn, TokenOut

# Writing last_used_at on every request would turn each read into a write; once a minute will do.
LAST_USED_RESOLUTION = timedelta(minutes=1)

router = Router(tags=["认证"])


def _signed_in(user):
    if not can_read(user):
        raise HttpError(403, "该账号未分配角色，无权访问")
    return user


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        if not token:
            return None
        found = ApiToken.objects.for_request(request, token)
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return _signed_in(found.user)


class SessionReadAuth(SessionAuth):
    """The browser's own pages may read with their session; writes need a token."""

    def authenticate(self, request: HttpRequest, key: str | None):
        if request.method not in ("GET", "HEAD") or not request.user.is_authenticated:
            return None
        return _signed_in(request.user)


AUTH = [BearerAuth(), SessionReadAuth(csrf=False)]


@router.post(
    "/token",
    auth=None,
    # 429: django-axes locked the user name on this address after too many wrong passwords.
    response={
        200: TokenOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
)
def issue_token(request: HttpRequest, payload: TokenIn):
    """用户名和密码换取访问令牌（Bearer token）。"""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise HttpError(401, "用户名或密码错误")
    _signed_in(user)
    token, raw = ApiToken.issue(user)
    return {"token": raw, "expires_at": token.expires_at}
