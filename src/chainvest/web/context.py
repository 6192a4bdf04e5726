from chainvest.accounts.permissions import role_of
from chainvest.web.display import user_badge


def chainvest(request) -> dict:
    """The signed-in user's role and navbar badge, on every page (including the 403 page)."""
    user = getattr(request, "user", None)
    badge = user_badge(user) if user is not None and user.is_authenticated else None
    return {"role": role_of(user), "me": badge}
