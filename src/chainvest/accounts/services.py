from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from chainvest.accounts.models import ApiToken, Profile, Role
from chainvest.regions.models import Park, Region


@transaction.atomic
def create_user(
    username: str,
    password: str,
    role: str,
    county: Region | None = None,
    park: Park | None = None,
    display_name: str = "",
):
    """A user with a role; officers must name the county or park they answer for.

    The password must pass AUTH_PASSWORD_VALIDATORS (ValidationError, in Chinese, if not).
    """
    if role not in Role.values:
        raise ValueError(f"未知角色：{role}")
    validate_password(password, get_user_model()(username=username, first_name=display_name))
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    Profile.objects.create(
        user=user, role=role, county=county, park=park, display_name=display_name
    )
    return user


def ensure_user(username: str, password: str, role: str, **scope):
    """Idempotent variant for the demo: an existing user is left exactly as it is."""
    existing = get_user_model().objects.filter(username=username).first()
    if existing:
        return existing, False
    return create_user(username, password, role, **scope), True


MAX_TOKEN_DAYS = 365


def issue_token(user, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A bearer token for `user`; the raw value is shown once, only its hash is kept."""
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"有效期应在 1 到 {MAX_TOKEN_DAYS} 天之间")
    return ApiToken.issue(user, days=days, name=name.strip()[:64])


def revoke_token(actor, token: ApiToken) -> ApiToken:
    """The owner or an administrator revokes a token; it answers 401 from then on."""
    from chainvest.accounts.permissions import can_manage_token, require

    require(can_manage_token(actor, token), "只能吊销自己的访问令牌")
    token.revoke()
    return token
