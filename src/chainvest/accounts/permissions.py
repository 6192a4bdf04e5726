"""Who may do what: the one place the role rules live. Views and the API both ask here."""

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
