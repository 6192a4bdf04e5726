"""Every URL and every API operation has a role rule, and each role gets exactly what its rule
says: a new route without a rule fails here, naming itself.

Roles: anonymous, admin, analyst, leader, the officer of 奇台县 (whose county the sample
project is in) and the officer of 木垒县 (another county).
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chainvest.accounts import permissions
from chainvest.accounts.middleware import operation_name
from chainvest.accounts.models import ApiToken
from chainvest.accounts.permissions import (
    NAMESPACE_RULES,
    PUBLIC_ROUTES,
    ROUTE_RULES,
    SAFE_METHODS,
    role_of,
)
from chainvest.enterprises.duplicates import detect_all
from chainvest.enterprises.importing import import_file
from chainvest.enterprises.models import DuplicateCandidate, EnterpriseLink
from chainvest.enterprises.services import merge_enterprises
from chainvest.events.invitation_services import add_invitee
from chainvest.projects.services import add_evidence, issue_instruction
from tests.enterprises.test_duplicates_factories import enterprise
from tests.enterprises.test_import_support import industries, row, write_csv
from tests.web import factories as f

# --- the routes ------------------------------------------------------------------------------


def walk(patterns, prefix: str = "", namespace: str = ""):
    """(full url name or None, route, pattern) of every URL pattern, django-ninja's included."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x)
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), namespace, p


def all_routes() -> list[tuple[str | None, str, str, URLPattern]]:
    return list(walk(get_resolver().url_patterns))


def routes_without_rule() -> set[str]:
    missing = set()
    for name, route, namespace, _ in all_routes():
        if namespace in NAMESPACE_RULES:
            continue
        if name is None:
            missing.add(f"<unnamed: {route}>")
        elif name not in ROUTE_RULES and name not in PUBLIC_ROUTES:
            missing.add(name)
    return missing


def test_every_route_has_a_rule():
    missing = routes_without_rule()
    assert not missing, (
        "These URL names have no rule in accounts/permissions.py ROUTE_RULES "
        f"(add one line each): {sorted(missing)}"
    )


def test_every_rule_names_a_route():
    names = {name for name, *_ in all_routes()}
    stale = set(ROUTE_RULES) - names
    assert not stale, f"Rules for URL names that no longer exist: {sorted(stale)}"


def test_a_route_without_a_rule_is_reported_and_refused(client, cast, monkeypatch):
    monkeypatch.delitem(ROUTE_RULES, "web:attention")
    assert routes_without_rule() == {"web:attention"}
    client.force_login(cast["admin"])
    assert client.get(reverse("web:attention")).status_code == 403


# --- a small world to address every parameterised route ---------------------------------


@pytest.fixture
def world(cast, changji, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    industries()
    import_file(write_csv(tmp_path / "a.csv", [row(1)]), user=cast["analyst"])
    wind = f.chain()
    blade = f.link(wind, "blade", "叶片", "midstream")
    fair = f.event("2023年第一场招商推介会", f.D(2023, 3, 10))
    project = f.project(cast["qitai"], changji["qitai"], "风机叶片项目", chain_id=wind.id)
    maker = enterprise("新疆天山风电有限公司")
    EnterpriseLink.objects.create(enterprise=maker, link=blade, source="auto", confidence=0.8)
    enterprise("新疆天池（集团）能源有限公司")
    enterprise("新疆天池(集团)能源有限公司")
    enterprise("昌吉石油（集团）有限公司")
    enterprise("昌吉石油(集团)有限公司")
    detect_all()
    first, second = DuplicateCandidate.objects.order_by("pk")[:2]
    record = merge_enterprises(cast["analyst"], second.first, second.second, second)
    upload = SimpleUploadedFile("许可证.pdf", b"%PDF-1.4")
    evidence = add_evidence(cast["qitai"], project, "lead", "other", upload)
    instruction = issue_instruction(cast["leader"], project, "加快推进")
    return {
        "chain": wind,
        "link": blade,
        "event": fair,
        "project": project,
        "enterprise": maker,
        "candidate": first,
        "merge": record,
        "batch": apps.get_model("enterprises.ImportBatch").objects.get(),
        "evidence": evidence,
        "instruction": instruction,
        "qitai": changji["qitai"],
        "token": ApiToken.issue(cast["qitai"])[0],
        "invitation": add_invitee(cast["analyst"], fair, maker, officer=cast["qitai"]),
    }


# URL kwargs of every parameterised route, from the world above.
URL_SAMPLES = {
    "web:chain": lambda w: {"code": w["chain"].code},
    "web:chain_link": lambda w: {"code": w["chain"].code, "link_id": w["link"].pk},
    "web:chain_xlsx": lambda w: {"code": w["chain"].code},
    "web:chain_docx": lambda w: {"code": w["chain"].code},
    "web:chain_template": lambda w: {"code": w["chain"].code},
    "web:chain_edit": lambda w: {"code": w["chain"].code},
    "web:token_revoke": lambda w: {"pk": w["token"].pk},
    "web:event": lambda w: {"pk": w["event"].pk},
    "web:event_export": lambda w: {"pk": w["event"].pk, "fmt": "xlsx"},
    "web:event_plan": lambda w: {"year": 2023},
    "web:plan_month": lambda w: {"year": 2023, "month": 3},
    "web:plan_month_edit": lambda w: {"year": 2023, "month": 3},
    "web:plan_month_held": lambda w: {"year": 2023, "month": 3},
    "web:plan_month_cancel": lambda w: {"year": 2023, "month": 3},
    "web:invite_targets": lambda w: {"pk": w["event"].pk},
    "web:invitee_add": lambda w: {"pk": w["event"].pk},
    "web:invitations_xlsx": lambda w: {"pk": w["event"].pk},
    "web:invitation_update": lambda w: {"pk": w["invitation"].pk},
    "web:invitation_remove": lambda w: {"pk": w["invitation"].pk},
    "web:project": lambda w: {"pk": w["project"].pk},
    "web:project_edit": lambda w: {"pk": w["project"].pk},
    "web:project_transition": lambda w: {"pk": w["project"].pk},
    "web:project_follow_up": lambda w: {"pk": w["project"].pk},
    "web:project_signing": lambda w: {"pk": w["project"].pk},
    "web:project_evidence": lambda w: {"pk": w["project"].pk},
    "web:project_month": lambda w: {"pk": w["project"].pk},
    "web:project_instruction": lambda w: {"pk": w["project"].pk},
    "web:project_referral": lambda w: {"pk": w["project"].pk},
    "web:instruction_reply": lambda w: {"pk": w["instruction"].pk},
    "web:evidence_file": lambda w: {"pk": w["evidence"].pk},
    "web:enterprise_profile": lambda w: {"pk": w["enterprise"].pk},
    "web:enterprise_link_exclude": lambda w: {"pk": w["enterprise"].pk, "link_id": w["link"].pk},
    "web:enterprise_link_lift": lambda w: {"pk": w["enterprise"].pk, "link_id": w["link"].pk},
    "web:enterprise_merge": lambda w: {"pk": w["candidate"].pk},
    "web:enterprise_dismiss": lambda w: {"pk": w["candidate"].pk},
    "web:enterprise_link_branch": lambda w: {"pk": w["candidate"].pk},
    "web:enterprise_merge_undo": lambda w: {"pk": w["merge"].pk},
    "web:enterprise_import_result": lambda w: {"pk": w["batch"].pk},
    "web:enterprise_import_status": lambda w: {"pk": w["batch"].pk},
    "web:enterprise_import_report": lambda w: {"pk": w["batch"].pk},
    "web:kpi_drill": lambda w: {"key": "signing_rate"},
    "web:link_targets": lambda w: {"link_id": w["link"].pk},
    "web:link_targets_panel": lambda w: {"link_id": w["link"].pk},
    "web:link_targets_xlsx": lambda w: {"link_id": w["link"].pk},
    "web:target_convert": lambda w: {"link_id": w["link"].pk, "enterprise_id": w["enterprise"].pk},
    "api-1:read_project": lambda w: {"project_id": w["project"].pk},
    "api-1:update_project": lambda w: {"project_id": w["project"].pk},
    "api-1:transition_project": lambda w: {"project_id": w["project"].pk},
    "api-1:list_follow_ups": lambda w: {"project_id": w["project"].pk},
    "api-1:add_follow_up": lambda w: {"project_id": w["project"].pk},
    "api-1:read_chain": lambda w: {"chain_id": w["chain"].pk},
    "api-1:read_chain_diagnosis": lambda w: {"chain_id": w["chain"].pk},
    "api-1:read_event": lambda w: {"event_id": w["event"].pk},
    # (the admin itself keeps projects read-only: a GET to look, no add, no POST)
    "admin:projects_project_change": lambda w: {"object_id": w["project"].pk},
    "admin:app_list": lambda w: {"app_label": "projects"},
}
# The admin's URL names all share one rule (NAMESPACE_RULES); these stand for the rest.
ADMIN_SAMPLED = {
    "admin:index",
    "admin:app_list",
    "admin:projects_project_changelist",
    "admin:projects_project_change",
    "admin:regions_park_add",
    "admin:auth_user_changelist",
}
# Form data for writes whose refusal depends on what is sent (the county converted for).
WRITE_DATA = {"web:target_convert": lambda w: {"county": w["qitai"].pk}}
API_BODIES = {
    "api-1:create_project": {"name": "新项目", "county": "652325"},
    "api-1:update_project": {"liaison_leader": "县委副书记"},
    "api-1:transition_project": {"to_stage": "negotiating", "dates": {"negotiating": "2023-02-01"}},
    "api-1:add_follow_up": {"note": "电话沟通"},
}
# Routes whose object rule (can_write_project, can_convert_target, can_create_project)
# refuses the officer of another county even though the role rule lets officers through.
OWN_COUNTY_ONLY = {
    "web:project_edit",
    "web:project_transition",
    "web:project_follow_up",
    "web:project_signing",
    "web:project_evidence",
    "web:project_month",
    "web:project_referral",
    "web:instruction_reply",
    "web:target_convert",
    "api-1:create_project",
    "api-1:update_project",
    "api-1:transition_project",
    "api-1:add_follow_up",
}
# Writes to one user's record (the sample token is 奇台's officer's): the owner and admins.
# The sample invitation is 奇台's officer's to follow up.
OWNER_ONLY = {
    "web:token_revoke": {"qitai", "admin"},
    "web:invitation_update": {"qitai", "admin", "analyst"},
}
# Pages whose form (GET) already checks the county.
OWN_COUNTY_FORMS = {"web:project_edit"}
# What Django's admin refuses an administrator itself (ProjectAdmin is read-only there).
ADMIN_READ_ONLY = {("admin:projects_project_change", "POST")}
ROLES = ["anonymous", "admin", "analyst", "leader", "qitai", "mulei"]
NOT_TRACKED = {"sessions.Session", "accounts.ApiToken", "admin.LogEntry"}


def test_every_parameterised_route_has_a_sample():
    unsampled = set()
    for name, _route, namespace, pattern in all_routes():
        if pattern.pattern.converters and name not in URL_SAMPLES and namespace != "admin":
            unsampled.add(name)
    assert not unsampled, f"Add URL_SAMPLES for: {sorted(unsampled)}"


def database() -> dict[str, list]:
    """Every row of every table the application writes, to prove a refused write wrote nothing."""
    return {
        m._meta.label: list(m.objects.order_by("pk").values_list())
        for m in apps.get_models()
        if m._meta.label not in NOT_TRACKED
    }


def exercised(world) -> list[tuple[str, str, str]]:
    """(url name, path, method) of each request to make."""
    out = []
    for name, _, namespace, pattern in all_routes():
        if name in PUBLIC_ROUTES or name is None:
            continue
        if namespace == "admin" and name not in ADMIN_SAMPLED:
            continue
        kwargs = URL_SAMPLES[name](world) if name in URL_SAMPLES else {}
        path = reverse(name, kwargs=kwargs)
        if namespace.startswith("api"):
            methods = _ninja_methods(pattern)
        else:
            methods = ["GET", "POST"]
        out += [(name, path, m) for m in methods]
    return out


def _ninja_methods(pattern: URLPattern) -> list[str]:
    path_view = pattern.callback.__closure__[0].cell_contents
    return [
        m
        for op in path_view.operations
        for m in op.methods
        if op.view_func.__name__ == pattern.name
    ]


class Caller:
    """Makes one request as one role: a session for pages, a bearer token for the API."""

    def __init__(self, user) -> None:
        self.user = user
        self.page = Client()
        self.api = Client()
        if user is not None:
            self.page.force_login(user)
            _, raw = ApiToken.issue(user)
            self.api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def send(self, name: str, path: str, method: str, world):
        if name.startswith("api-1:"):
            body = json.dumps(API_BODIES.get(name, {}))
            return self.api.generic(method, path, body, content_type="application/json")
        if method == "GET":
            response = self.page.get(path)
        else:
            data = WRITE_DATA[name](world) if name in WRITE_DATA else {}
            response = self.page.post(path, data)
        if name.endswith("logout") and self.user is not None:
            self.page.force_login(self.user)
        return response


def expected_allowed(name: str, method: str, role_name: str, user) -> bool:
    rule = permissions.route_rule(*name.split(":", 1)) if ":" in name else ROUTE_RULES.get(name)
    if rule is None or user is None:
        return False
    if role_name == "mulei" and name in OWN_COUNTY_ONLY and method not in SAFE_METHODS:
        return False
    if name in OWNER_ONLY and role_name not in OWNER_ONLY[name] and method not in SAFE_METHODS:
        return False
    if role_name == "mulei" and name in OWN_COUNTY_FORMS:
        return False
    if (name, method) in ADMIN_READ_ONLY:
        return False
    return rule.allows(role_of(user), method)


def verdict(name: str, method: str, response, allowed: bool, anonymous: bool) -> str | None:
    status = response.status_code
    to_login = status == 302 and response["Location"].startswith(reverse("web:login"))
    if allowed:
        return None if status not in (401, 403) and not to_login else f"refused ({status})"
    if not anonymous:
        return None if status == 403 else f"expected 403, got {status}"
    if name.startswith("api-1:"):
        return None if status == 401 else f"expected 401, got {status}"
    return None if to_login else f"expected a redirect to sign in, got {status}"


@pytest.mark.parametrize("role_name", ROLES)
def test_each_role_gets_exactly_what_the_rules_say(world, cast, role_name):
    user = None if role_name == "anonymous" else cast[role_name]
    caller = Caller(user)
    wrong = []
    for name, path, method in exercised(world):
        allowed = expected_allowed(name, method, role_name, user)
        before = None if allowed or method in SAFE_METHODS else database()
        response = caller.send(name, path, method, world)
        problem = verdict(name, method, response, allowed, user is None)
        if problem is None and before is not None and database() != before:
            problem = "refused but the database changed"
        if problem:
            wrong.append(f"{method} {path} ({name}): {problem}")
    assert not wrong, f"{role_name}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(PUBLIC_ROUTES - {"web:logout", "api-1:issue_token"}))
def test_public_routes_open_without_signing_in(db, name):
    response = Client().get(reverse(name))
    assert response.status_code not in (401, 403)
    assert not (response.status_code == 302 and "/login/" in response["Location"])


def test_the_api_operation_is_found_by_method():
    match = get_resolver().resolve("/api/projects")
    assert operation_name(match, "GET") == "list_projects"
    assert operation_name(match, "POST") == "create_project"


def test_a_user_without_a_role_is_refused_everywhere_but_the_public_routes(client, db):
    from django.contrib.auth import get_user_model

    norole = get_user_model().objects.create_user("norole", password="x-pass-123")
    client.force_login(norole)
    assert client.get(reverse("web:projects")).status_code == 403
    _, raw = ApiToken.issue(norole)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/projects")
    assert response.status_code == 403
    assert response.json()["detail"] == "该账号未分配角色，无权访问"
    assert client.post(reverse("web:logout")).status_code == 302
