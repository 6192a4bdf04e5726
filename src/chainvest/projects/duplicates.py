"""Possible duplicate projects: the same investor (USCC) in the same park, a similar name.

Officers record the same project twice under slightly different names (“…一期项目”, full-width
brackets, a missing “项目”); the warning comes before saving and the officer decides.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.db.models import Q

from chainvest.engine.names import name_key
from chainvest.projects.models import Project

# Words every project name may or may not carry; they say nothing about which project it is.
_FILLER = re.compile(r"(建设)?项目$|工程$")
SIMILARITY = 0.75


def _core(name: str) -> str:
    return _FILLER.sub("", name_key(name))


def similar_names(a: str, b: str) -> bool:
    """Same key, one containing the other, or close enough letter by letter."""
    ka, kb = _core(a), _core(b)
    if not ka or not kb:
        return False
    if ka == kb or (min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka)):
        return True
    return SequenceMatcher(None, ka, kb).ratio() >= SIMILARITY


def investor_uscc(project: Project) -> str:
    if project.investor_uscc:
        return project.investor_uscc
    return project.investor.uscc if project.investor_id and project.investor.uscc else ""


def possible_duplicates(project: Project) -> list[Project]:
    """Other live projects of the same investor in the same park (or county) with a similar name."""
    uscc = investor_uscc(project)
    if not uscc:
        return []
    same = Project.objects.active().filter(Q(investor_uscc=uscc) | Q(investor__uscc=uscc))
    if project.pk:
        same = same.exclude(pk=project.pk)
    if project.park_id:
        same = same.filter(park_id=project.park_id)
    else:
        same = same.filter(park__isnull=True, county_id=project.county_id)
    return [other for other in same.order_by("id") if similar_names(other.name, project.name)]
