from chainvest.accounts.permissions import role_of


def chainvest(request) -> dict:
    return {"role": role_of(getattr(request, "user", None))}
