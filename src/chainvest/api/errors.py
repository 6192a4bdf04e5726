"""Every error the API returns is JSON with a Chinese `detail` (and `errors` by field)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from chainvest.projects.services import StageError

# pydantic's error types in the words our users read; anything else keeps pydantic's text.
SCHEMA_MESSAGES = {
    "missing": "必须填写",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "model_attributes_type": "应为 JSON 对象",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "json_invalid": "不是合法的 JSON",
}
PARAM_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
HTTP_MESSAGES = {
    "Cannot parse request body": "请求体不是合法的 JSON",
    "CSRF check Failed": "CSRF 校验失败",
}


def _field_name(loc: list) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in PARAM_SOURCES:
        parts = parts[1:]
    # Body parameters are all called `payload`; the client never sees that name.
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def schema_errors(errors: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for err in errors:
        message = SCHEMA_MESSAGES.get(err.get("type", ""), err.get("msg", "格式不正确"))
        out.setdefault(_field_name(err.get("loc", [])), []).append(message)
    return out


def api_field(name: str) -> str:
    """Service errors name model fields (park_id); the API calls them park."""
    return name.removesuffix("_id")


def validation_errors(exc: ValidationError, default_field: str) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {api_field(k): v for k, v in exc.message_dict.items()}
    return {default_field: list(exc.messages)}


def _body(detail: str, errors: dict | None = None) -> dict:
    return {"detail": detail, "errors": errors} if errors else {"detail": detail}


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, body: dict, status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(SchemaError)
    def on_schema_error(request, exc: SchemaError):
        errors = schema_errors(exc.errors)
        first = next(iter(errors.items()))
        return respond(request, _body(f"请求数据有误：{first[0]} {first[1][0]}", errors), 422)

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        field = "to_stage" if isinstance(exc, StageError) else "__all__"
        errors = validation_errors(exc, field)
        detail = "；".join(dict.fromkeys(m for msgs in errors.values() for m in msgs))
        return respond(request, _body(detail, errors), 400)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc: PermissionDenied):
        return respond(request, _body(str(exc) or "没有权限执行此操作"), 403)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc: AuthenticationError):
        return respond(request, _body("未登录或访问令牌无效，请先获取令牌"), 401)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        message = str(exc)
        for english, chinese in HTTP_MESSAGES.items():
            if message.startswith(english):
                message = chinese
        return respond(request, _body(message), exc.status_code)

    @api.exception_handler(Http404)
    def on_not_found(request, exc: Http404):
        return respond(request, _body("未找到请求的记录"), 404)
