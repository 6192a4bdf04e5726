"""Enterprise names folded for matching: the same enterprise written in different ways.

Vendors and officers write one name with full- or half-width brackets, stray spaces, or as a
branch (分公司) of its parent; these functions give one key for all of them. Pure Python.
"""

from __future__ import annotations

import re
import unicodedata

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_SPACES = re.compile(r"\s+")
# "…有限公司乌鲁木齐分公司", "…股份有限公司昌吉分公司" → the parent is everything up to 公司.
_BRANCH = re.compile(
    r"^(?P<parent>.+?(?:有限责任公司|股份有限公司|有限公司|集团公司|公司))(?P<branch>.+?(?:分公司|分厂|办事处|经营部))$"
)


def name_key(name: str) -> str:
    """NFKC (full-width → half-width), one bracket style, no whitespace, Latin upper-cased."""
    folded = unicodedata.normalize("NFKC", name or "").translate(_BRACKETS)
    return _SPACES.sub("", folded).upper()


def branch_parent(name: str) -> str | None:
    """The parent's name key when `name` is a branch (分公司) of it, else None."""
    match = _BRANCH.match(name_key(name))
    return match.group("parent") if match else None
