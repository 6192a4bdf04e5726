"""Enterprises for the duplicate and merge tests (no tests here; imported by them).

The pool has no single-enterprise write service (imports write in bulk), so rows are created
directly, with name_key left empty the way bulk paths leave it unless asked otherwise.
"""

from __future__ import annotations

from chainvest.engine.names import name_key
from chainvest.engine.text import uscc_check_char
from chainvest.enterprises.models import DuplicateCandidate, Enterprise


def uscc(serial: int) -> str:
    """A valid 18-character code: 91 + 652301 (昌吉市) + a 9-digit body + check character."""
    first17 = f"91652301{serial:09d}"
    return first17 + uscc_check_char(first17)


def enterprise(name: str, keyed: bool = True, **fields) -> Enterprise:
    return Enterprise.objects.create(name=name, name_key=name_key(name) if keyed else "", **fields)


def pairs() -> dict[tuple[str, str], str]:
    """Candidates as {(first name, second name): reason}, readable in assertions."""
    rows = DuplicateCandidate.objects.select_related("first", "second")
    return {(c.first.name, c.second.name): c.reason for c in rows}
