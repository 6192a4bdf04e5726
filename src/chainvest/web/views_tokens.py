"""API tokens (访问令牌): list your own (administrators: everyone's), create one, revoke one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chainvest.accounts.models import ApiToken, Role
from chainvest.accounts.permissions import role_of
from chainvest.accounts.services import MAX_TOKEN_DAYS, issue_token, revoke_token
from chainvest.web.views import crumbs, reader


def _page(request: HttpRequest, raw: str = "", error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "web/tokens.html",
        {
            "menu": "tokens",
            "crumbs": crumbs(("访问令牌", None)),
            "tokens": ApiToken.objects.visible_to(request.user),
            "show_owner": role_of(request.user) == Role.ADMIN,
            "raw": raw,
            "error": error,
            "max_days": MAX_TOKEN_DAYS,
        },
        status=status,
    )


@reader
def token_list(request: HttpRequest) -> HttpResponse:
    """GET lists; POST creates one for the signed-in user and shows its value this once."""
    if request.method != "POST":
        return _page(request)
    try:
        days = int(request.POST.get("days") or 0) or None
        _, raw = issue_token(request.user, request.POST.get("name", ""), days)
    except ValueError:
        return _page(request, error=f"有效期应为 1 到 {MAX_TOKEN_DAYS} 之间的整数天", status=400)
    response = _page(request, raw=raw)
    response["Cache-Control"] = "no-store"  # the raw token must not linger in a cache
    return response


@reader
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    revoke_token(request.user, get_object_or_404(ApiToken, pk=pk))
    return redirect("web:tokens")
