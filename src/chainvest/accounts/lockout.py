"""What a locked-out sign-in gets (django-axes calls this): a page, or JSON for the API."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_STATUS = 429


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return f"登录失败次数过多，该账号在本机已锁定 {minutes} 分钟，请稍后再试或联系系统管理员解锁"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=LOCKED_STATUS)
    return render(
        request, "web/locked_out.html", {"message": lockout_message()}, status=LOCKED_STATUS
    )
