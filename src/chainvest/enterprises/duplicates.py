"""Finding enterprises that may be one and the same, in bulk, for the merge queue.

Three signals, strongest first: the same folded name (one side or both without a USCC; two
different USCCs are two legal entities), a name equal to another's former name (曾用名), and
a branch (分公司) of an enterprise in the pool. Every pass works on whole columns: SQL grouping
by name_key and dictionaries built in one sweep, never one query per enterprise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection, transaction
from django.db.models import Count, Q

from chainvest.engine.names import branch_parent, name_key
from chainvest.enterprises.models import DuplicateCandidate, DuplicateReason, Enterprise

CHUNK = 500  # below SQLite's bound-parameter limit, large enough for few round trips
SCORES = {
    DuplicateReason.SAME_NAME: 1.0,
    DuplicateReason.FORMER_NAME: 0.9,
    DuplicateReason.BRANCH: 0.6,
}
# The name endings that engine.names.branch_parent recognises; a cheap SQL pre-filter.
BRANCH_MARKERS = ("分公司", "分厂", "办事处", "经营部")

LARGE_GROUP = 50
Pair = tuple[int, int]


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def active() -> Iterable:
    """Archived and merged-away enterprises are out of the pool and never paired."""
    return Enterprise.objects.filter(archived=False)


def _write_keys(rows: list[tuple[int, str]]) -> None:
    """One UPDATE … FROM (VALUES …) per batch, the same SQL on SQLite (3.33+) and PostgreSQL.

    Django's bulk_update builds a CASE expression that grows slow with the batch, and
    executemany is one round trip per row on PostgreSQL: minutes for a million rows.
    """
    table = connection.ops.quote_name(Enterprise._meta.db_table)
    # Typed ids, or PostgreSQL compares them as numeric and cannot use the primary key.
    id_type = Enterprise._meta.pk.rel_db_type(connection)
    values = ", ".join([f"(CAST(%s AS {id_type}), %s)"] * len(rows))
    sql = (
        f"UPDATE {table} SET name_key = v.column2 FROM (VALUES {values}) AS v "
        f"WHERE {table}.id = v.column1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [item for row in rows for item in row])


def fill_name_keys(batch_size: int = 4000) -> int:
    """Compute name_key where it is empty (rows written by bulk paths), batch by batch."""
    filled, last = 0, 0
    while True:
        rows = list(
            Enterprise.objects.filter(name_key="", id__gt=last)
            .order_by("id")
            .values_list("id", "name")[:batch_size]
        )
        if not rows:
            return filled
        # An empty name folds to "" and stays empty; the id cursor moves past it anyway.
        _write_keys([(pk, name_key(name)) for pk, name in rows])
        filled += len(rows)
        last = rows[-1][0]


def _pair(a: int, b: int) -> Pair | None:
    if a == b:
        return None
    return (a, b) if a < b else (b, a)


def _same_name_pairs(keys: Iterable[str] | None) -> dict[Pair, str]:
    """Pairs within each group of equal name_key where at least one side has no USCC."""
    if keys is None:
        grouped = active().exclude(name_key="").values("name_key").annotate(n=Count("id"))
        keys = list(grouped.filter(n__gt=1).values_list("name_key", flat=True))
    members: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for batch in chunks(keys):
        for pk, key, uscc in (
            active().filter(name_key__in=batch).values_list("id", "name_key", "uscc")
        ):
            members[key].append((pk, uscc))
    pairs = {}
    for group in members.values():
        group.sort()
        # A name borne by very many rows pairs each with the first one only: linear, not n².
        heads = group if len(group) <= LARGE_GROUP else group[:1]
        for i, (a, a_uscc) in enumerate(heads):
            for b, b_uscc in group[i + 1 :]:
                if not (a_uscc and b_uscc):
                    pairs[_pair(a, b)] = DuplicateReason.SAME_NAME
    return pairs


def _former_name_index() -> dict[str, set[int]]:
    """Every former name in the pool, folded, → the enterprises that carried it: one sweep."""
    index: dict[str, set[int]] = defaultdict(set)
    rows = active().exclude(former_names=[]).values_list("id", "former_names")
    for pk, names in rows.iterator(chunk_size=5000):
        for former in names or []:
            if isinstance(former, str) and former.strip():
                index[name_key(former)].add(pk)
    return index


def _ids_by_key(keys: Iterable[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for batch in chunks(set(keys)):
        for pk, key in active().filter(name_key__in=batch).values_list("id", "name_key"):
            found[key].append(pk)
    return found


def _key_pairs(wanted: dict[str, set[int]], reason: str) -> dict[Pair, str]:
    """Pairs of (an enterprise wanting a name key) × (enterprises currently bearing it)."""
    pairs = {}
    for key, bearers in _ids_by_key(wanted).items():
        for wanting in wanted[key]:
            for bearer in bearers:
                pair = _pair(wanting, bearer)
                if pair:
                    pairs[pair] = reason
    return pairs


def _branch_index(ids: list[int] | None) -> dict[str, set[int]]:
    """Parent name key → its branches, over names that end like a branch (SQL pre-filter)."""
    marked = Q()
    for marker in BRANCH_MARKERS:
        marked |= Q(name_key__endswith=marker)
    rows = active().filter(marked)
    if ids is not None:
        rows = rows.filter(id__in=ids)
    index: dict[str, set[int]] = defaultdict(set)
    for pk, key in rows.values_list("id", "name_key").iterator(chunk_size=5000):
        parent = branch_parent(key)
        if parent:
            index[parent].add(pk)
    return index


def _keys_of(ids: list[int]) -> dict[int, str]:
    keys = {}
    for batch in chunks(ids):
        keys.update(active().filter(id__in=batch).values_list("id", "name_key"))
    return keys


def _former_names_of(ids: list[int]) -> dict[str, set[int]]:
    index: dict[str, set[int]] = defaultdict(set)
    for batch in chunks(ids):
        for pk, names in active().filter(id__in=batch).values_list("id", "former_names"):
            for former in names or []:
                if isinstance(former, str) and former.strip():
                    index[name_key(former)].add(pk)
    return index


def _restrict(index: dict[str, set[int]], keys: set[str]) -> dict[str, set[int]]:
    return {key: index[key] for key in keys if key in index}


def _pairs_for(ids: list[int]) -> dict[Pair, str]:
    """Pairs that involve at least one of `ids`, against the whole pool."""
    keys = _keys_of(ids)
    own_keys = {key for key in keys.values() if key}
    by_name = _same_name_pairs(own_keys)
    # Their former names borne by others, and their names recorded as others' former names.
    former = _key_pairs(_former_names_of(ids), DuplicateReason.FORMER_NAME)
    borne = _restrict(_former_name_index(), own_keys)
    former.update(_key_pairs(borne, DuplicateReason.FORMER_NAME))
    # They as branches of a parent in the pool, and they as the parent of branches in it.
    branch = _key_pairs(_branch_index(ids), DuplicateReason.BRANCH)
    branch.update(_key_pairs(_restrict(_branch_index(None), own_keys), DuplicateReason.BRANCH))
    return {**branch, **former, **by_name}  # the stronger reason wins for the same pair


def _pairs_all() -> dict[Pair, str]:
    branch = _key_pairs(_branch_index(None), DuplicateReason.BRANCH)
    former = _key_pairs(_former_name_index(), DuplicateReason.FORMER_NAME)
    return {**branch, **former, **_same_name_pairs(None)}


def _known_pairs(pairs: Iterable[Pair]) -> set[Pair]:
    """Pairs already in the queue in any state: open, merged or dismissed (never re-raised)."""
    by_first: dict[int, set[int]] = defaultdict(set)
    for first, second in pairs:
        by_first[first].add(second)
    known = set()
    for batch in chunks(by_first):
        rows = DuplicateCandidate.objects.filter(first_id__in=batch)
        for first, second in rows.values_list("first_id", "second_id"):
            if second in by_first[first]:
                known.add((first, second))
    return known


@transaction.atomic
def _save(pairs: dict[Pair, str]) -> int:
    known = _known_pairs(pairs)
    fresh = [pair for pair in pairs if pair not in known]
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                first_id=a, second_id=b, reason=pairs[(a, b)], score=SCORES[pairs[(a, b)]]
            )
            for a, b in sorted(fresh)
        ],
        batch_size=1000,
        ignore_conflicts=True,  # a concurrent run may have raised the same pair meanwhile
    )
    return len(fresh)


def detect_for(ids: Iterable[int]) -> int:
    """New or changed enterprises against the whole pool; returns the number of new pairs."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    fill_name_keys()
    return _save(_pairs_for(ids))


def detect_all() -> int:
    """The whole pool against itself; returns the number of new pairs."""
    fill_name_keys()
    return _save(_pairs_all())
