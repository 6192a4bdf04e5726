"""Who may do what: the one place the role rules live. Views and the API both ask here."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied

from chainvest.accounts.models import Role


def role_of(user) -> str | None:
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def can_read(user) -> bool:
    """Every signed-in role reads the prefecture's records (officers as the bureau configures)."""
    return role_of(user) is not None


def officer_covers(user, county_id: int | None, park_id: int | None) -> bool:
    """A park officer answers for the park's projects; a county officer for the county's."""
    profile = user.profile
    if profile.park_id:
        return park_id == profile.park_id
    return county_id is not None and county_id == profile.county_id


def can_write_project(user, project) -> bool:
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    if role == Role.OFFICER:
        return officer_covers(user, project.county_id, project.park_id)
    return False


def can_create_project(user, county_id: int | None, park_id: int | None) -> bool:
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    return role == Role.OFFICER and officer_covers(user, county_id, park_id)


def can_write_events(user) -> bool:
    return role_of(user) in {Role.ADMIN, Role.ANALYST}


def can_write_chains(user) -> bool:
    return role_of(user) in {Role.ADMIN, Role.ANALYST}


def require(allowed: bool, message: str = "没有权限执行此操作") -> None:
    if not allowed:
        raise PermissionDenied(message)


def can_write_enterprises(user) -> bool:
    """Keeping the pool clean (imports, merges, link assignments) is the bureau's work."""
    return role_of(user) in {Role.ADMIN, Role.ANALYST}


def can_write_counting_rules(user) -> bool:
    """The 统计口径 is the bureau's choice; changing it changes every figure, so not officers."""
    return role_of(user) in {Role.ADMIN, Role.ANALYST}


def can_issue_instruction(user) -> bool:
    """领导督办: the one thing a leader writes (besides reading everything); admins may too."""
    return role_of(user) in {Role.LEADER, Role.ADMIN}


def can_convert_target(user, county_id: int | None) -> bool:
    """Turning a recommended target into an engagement or a lead (精准招商): the bureau's
    analysts and admins for any county; an officer only for their own county."""
    role = role_of(user)
    if role in {Role.ADMIN, Role.ANALYST}:
        return True
    return role == Role.OFFICER and officer_covers(user, county_id, None)


# --- officers' reading scope ---------------------------------------------------------------


def reads_own_scope_only(user) -> bool:
    """OFFICER_READS="own" keeps an officer to their county/park's records; "prefecture"
    (the default) lets every officer read the whole prefecture's pipeline."""
    return role_of(user) == Role.OFFICER and settings.OFFICER_READS == "own"


def readable_projects(user, projects):
    """The part of a project queryset this user may read."""
    if not reads_own_scope_only(user):
        return projects
    profile = user.profile
    if profile.park_id:
        return projects.filter(park_id=profile.park_id)
    return projects.filter(county_id=profile.county_id)


def can_read_project(user, project) -> bool:
    if not can_read(user):
        return False
    if not reads_own_scope_only(user):
        return True
    return officer_covers(user, project.county_id, project.park_id)


# --- the route table: which roles may reach which URL at all ------------------------------
#
# The middleware (accounts/middleware.py) looks every request's URL name up here before the
# view runs: anonymous visitors are sent to sign in, other roles get 403, and a URL name
# missing from the table is refused (deny by default). Object-level rules (whose county)
# stay in the can_* functions above, which the services and views still call.
# To add a route: one line, "namespace:url_name": Rule(read=..., write=...).


@dataclass(frozen=True)
class Rule:
    """`read`: roles that may GET/HEAD/OPTIONS; `write`: roles that may POST/PUT/PATCH/DELETE."""

    read: frozenset[str]
    write: frozenset[str] = frozenset()

    def allows(self, role: str | None, method: str) -> bool:
        roles = self.read if method in SAFE_METHODS else self.write
        return role in roles


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EVERYONE = frozenset(Role.values)
BUREAU = frozenset({Role.ADMIN, Role.ANALYST})
FIELD = frozenset({Role.ADMIN, Role.OFFICER})  # officers, for their own county/park
TOP = frozenset({Role.ADMIN, Role.LEADER})
ADMINS = frozenset({Role.ADMIN})
NOBODY: frozenset[str] = frozenset()

READ_ONLY = Rule(read=EVERYONE)


def posts(roles: frozenset[str]) -> Rule:
    """A POST-only action: its writers may also GET it (and get the view's own 405)."""
    return Rule(read=roles, write=roles)


# Reachable without signing in. Logout too, so a user without a role can still leave.
PUBLIC_ROUTES = frozenset(
    {
        "web:login",
        "web:logout",
        "api-1:issue_token",
        "api-1:openapi-json",
        "api-1:openapi-view",
        "api-1:api-root",
    }
)

# Whole namespaces with one rule: Django's admin generates a URL name per model.
NAMESPACE_RULES = {"admin": posts(ADMINS)}

ROUTE_RULES: dict[str, Rule] = {
    # dashboard, chains, events, projects
    "web:dashboard": READ_ONLY,
    "web:chains": READ_ONLY,
    "web:chain": READ_ONLY,
    "web:chain_link": READ_ONLY,
    "web:chains_xlsx": READ_ONLY,
    "web:chain_xlsx": READ_ONLY,
    "web:chain_docx": READ_ONLY,
    "web:chain_template": READ_ONLY,
    "web:chain_template_import": posts(BUREAU),
    "web:chain_edit": posts(BUREAU),
    "web:events": READ_ONLY,
    "web:event": READ_ONLY,
    "web:event_export": READ_ONLY,
    # 一月一主题 and invitation lists (can_update_invitation: an officer only their own invitees)
    "web:event_plan": Rule(read=EVERYONE, write=BUREAU),
    "web:plan_month": READ_ONLY,
    "web:plan_month_edit": posts(BUREAU),
    "web:plan_month_held": posts(BUREAU),
    "web:plan_month_cancel": posts(BUREAU),
    "web:invite_targets": posts(BUREAU),
    "web:invitee_add": posts(BUREAU),
    "web:invitation_remove": posts(BUREAU),
    "web:invitation_update": posts(BUREAU | FIELD),
    "web:invitations_xlsx": READ_ONLY,
    "web:projects": READ_ONLY,
    "web:project": READ_ONLY,
    "web:project_create": posts(FIELD),
    "web:project_edit": posts(FIELD),
    "web:project_transition": posts(FIELD),
    "web:project_follow_up": posts(FIELD),
    "web:project_signing": posts(FIELD),
    "web:project_evidence": posts(FIELD),
    "web:project_month": posts(FIELD),
    "web:project_referral": posts(FIELD),
    "web:project_instruction": posts(TOP),
    "web:instruction_reply": posts(FIELD),
    "web:evidence_file": READ_ONLY,
    # enterprise pool
    "web:enterprise_search": READ_ONLY,
    "web:enterprise_search_options": READ_ONLY,
    "web:enterprise_profile": READ_ONLY,
    "web:enterprise_link_exclude": posts(BUREAU),
    "web:enterprise_link_lift": posts(BUREAU),
    "web:enterprise_duplicates": READ_ONLY,
    "web:enterprise_merge": posts(BUREAU),
    "web:enterprise_dismiss": posts(BUREAU),
    "web:enterprise_link_branch": posts(BUREAU),
    "web:enterprise_merge_undo": posts(BUREAU),
    "web:enterprise_import": posts(BUREAU),
    "web:enterprise_import_map": posts(BUREAU),
    "web:enterprise_import_template": posts(BUREAU),
    "web:enterprise_import_result": posts(BUREAU),
    "web:enterprise_import_status": posts(BUREAU),
    "web:enterprise_import_report": posts(BUREAU),
    # figures, settings, alerts
    "web:kpis": READ_ONLY,
    "web:kpi_drill": READ_ONLY,
    "web:periodic_report": READ_ONLY,
    "web:periodic_briefing": READ_ONLY,
    "web:indicators": Rule(read=EVERYONE, write=BUREAU),
    "web:indicator_import": posts(BUREAU),
    "web:referrals": READ_ONLY,
    "web:attention": READ_ONLY,
    "web:counting_rule": Rule(read=EVERYONE, write=BUREAU),
    "web:alert_rule": Rule(read=EVERYONE, write=BUREAU),
    # news into events; 精准招商
    "web:news_ingest": posts(BUREAU),
    "web:news_accept": posts(BUREAU),
    "web:growth": READ_ONLY,
    "web:link_targets": READ_ONLY,
    "web:link_targets_panel": READ_ONLY,
    "web:link_targets_xlsx": READ_ONLY,
    "web:target_convert": posts(BUREAU | FIELD),
    # one's own API tokens (can_manage_token: only the owner or an admin revokes)
    "web:tokens": posts(EVERYONE),
    "web:token_revoke": posts(EVERYONE),
    # audit trail
    "web:audit": Rule(read=TOP),
    "web:audit_xlsx": Rule(read=TOP),
    # API (django-ninja names each operation after its function)
    "api-1:list_projects": READ_ONLY,
    "api-1:create_project": Rule(read=NOBODY, write=FIELD),
    "api-1:read_project": READ_ONLY,
    "api-1:update_project": Rule(read=NOBODY, write=FIELD),
    "api-1:transition_project": Rule(read=NOBODY, write=FIELD),
    "api-1:list_follow_ups": READ_ONLY,
    "api-1:add_follow_up": Rule(read=NOBODY, write=FIELD),
    "api-1:list_chains": READ_ONLY,
    "api-1:read_chain": READ_ONLY,
    "api-1:read_chain_diagnosis": READ_ONLY,
    "api-1:list_events": READ_ONLY,
    "api-1:read_event": READ_ONLY,
    "api-1:summary": READ_ONLY,
    "api-1:kpis": READ_ONLY,
}


def route_rule(namespace: str, url_name: str | None) -> Rule | None:
    """The rule for a resolved URL, or None: no rule means nobody may use it."""
    if namespace in NAMESPACE_RULES:
        return NAMESPACE_RULES[namespace]
    return ROUTE_RULES.get(f"{namespace}:{url_name}" if namespace else str(url_name))


def can_write_event_plan(user) -> bool:
    """一月一主题 is the bureau's calendar: analysts and admins set it; others read it."""
    return role_of(user) in {Role.ADMIN, Role.ANALYST}


def can_write_invitations(user) -> bool:
    """Building an event's invitation list (adding, removing invitees) is the bureau's work."""
    return role_of(user) in {Role.ADMIN, Role.ANALYST}


def can_update_invitation(user, invitation) -> bool:
    """The officer responsible for an invitee records how the invitation went."""
    if can_write_invitations(user):
        return True
    return role_of(user) == Role.OFFICER and invitation.officer_id == user.pk


def can_write_indicators(user) -> bool:
    """Economic indicators are entered or imported by the bureau's analysts and admins."""
    return role_of(user) in {Role.ADMIN, Role.ANALYST}


def can_manage_token(user, token) -> bool:
    """An API token is its owner's to revoke; administrators may revoke anyone's."""
    return role_of(user) == Role.ADMIN or token.user_id == user.pk
