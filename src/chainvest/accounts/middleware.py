"""The one authorisation gate every view and API operation passes before it runs.

It looks the resolved URL name up in permissions.ROUTE_RULES; what a role may do to one
particular record (its own county's project) is still decided by the can_* functions that
services and views call. This layer is the coarse one, and it is complete: a route with no
rule is refused.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import ResolverMatch

from chainvest.accounts.models import ApiToken
from chainvest.accounts.permissions import PUBLIC_ROUTES, role_of, route_rule

NO_ROLE = "当前账号尚未分配角色，请联系系统管理员"
FORBIDDEN_PAGE = "当前账号的角色无权访问此页面或执行此操作"
API_NO_ROLE = "该账号未分配角色，无权访问"
API_FORBIDDEN = "当前账号的角色无权执行此操作"
API_ANONYMOUS = "未登录或访问令牌无效，请先获取令牌"


def operation_name(match: ResolverMatch, method: str) -> str | None:
    """django-ninja mounts all operations of one path on one view under the first
    operation's URL name; the operation that will answer this method is the one that counts."""
    path_view = _ninja_path_view(match.func)
    if path_view is None:
        return match.url_name
    for operation in path_view.operations:
        if method in operation.methods:
            return getattr(operation, "url_name", None) or operation.view_func.__name__
    return match.url_name


def _ninja_path_view(func: Any) -> Any:
    for cell in getattr(func, "__closure__", None) or ():
        contents = cell.cell_contents
        if hasattr(contents, "operations"):
            return contents
    return None


def api_user(request: HttpRequest) -> Any:
    """Who the API will see: the bearer token's holder, or the browser session for reads
    (the same two ways api/auth.py accepts)."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() == "bearer" and raw.strip():
        found = ApiToken.objects.for_request(request, raw.strip())
        return found.user if found else None
    if request.method in ("GET", "HEAD") and request.user.is_authenticated:
        return request.user
    return None


class RouteRuleMiddleware:
    """Place after AuthenticationMiddleware so request.user is known."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = operation_name(match, request.method)
        full_name = f"{match.namespace}:{name}" if match.namespace else str(name)
        if full_name in PUBLIC_ROUTES:
            return None
        if request.path_info.startswith("/api/"):
            return self._check_api(request, match.namespace, name)
        return self._check_page(request, match.namespace, name)

    def _check_page(self, request: HttpRequest, namespace: str, name: str | None):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        role = role_of(user)
        if role is None:
            raise PermissionDenied(NO_ROLE)
        if not _allowed(namespace, name, role, request.method):
            raise PermissionDenied(FORBIDDEN_PAGE)
        return None

    def _check_api(self, request: HttpRequest, namespace: str, name: str | None):
        user = api_user(request)
        if user is None:
            return JsonResponse({"detail": API_ANONYMOUS}, status=401)
        role = role_of(user)
        if role is None:
            return JsonResponse({"detail": API_NO_ROLE}, status=403)
        if not _allowed(namespace, name, role, request.method):
            return JsonResponse({"detail": API_FORBIDDEN}, status=403)
        return None


def _allowed(namespace: str, name: str | None, role: str, method: str) -> bool:
    rule = route_rule(namespace, name)
    return rule is not None and rule.allows(role, method)
