"""Chinese substring search over the pool: name, former names and business scope, with filters.

Chinese has no spaces to split words on, so both databases index character trigrams:
- PostgreSQL: pg_trgm GIN indexes on exactly the expressions Django writes for `icontains`
  (UPPER(col::text)), so the ORM lookups below use them; a term shorter than 3 characters has
  no trigram and is scanned.
- SQLite: an FTS5 table with the trigram tokenizer (SQLite ≥ 3.34), kept in sync by triggers on
  enterprises_enterprise; terms of 3+ characters go through it, shorter ones through LIKE.
  The index is contentless (it stores no copy of the text), so the triggers hand the old values
  back on update and delete; former names are indexed as decoded text, not as the JSON Django
  stores (which escapes Chinese as \\uXXXX).
Migration 0003 installs both; `install_search_index` may be run again at any time (for instance
after a migration rebuilt the SQLite table, which drops its triggers).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection as default_connection
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from chainvest.enterprises.models import Enterprise, EnterpriseLink
from chainvest.regions.models import Region, RegionLevel

FTS_TABLE = "enterprises_enterprise_fts"
VOCAB_TABLE = "enterprises_enterprise_fts_vocab"
SENTINEL = 31  # a control character nobody types; stripped from queries
COUNT_CAP = 10_000  # the list page says "10000+" beyond this
MAX_EXPANSION = 400  # trigrams a short term may expand to before LIKE is cheaper
MIN_TRIGRAM = 3
MIN_SQLITE_FTS5_TRIGRAM = (3, 34, 0)
PREFIX_LENGTH = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.COUNTY: 6}
_REGION_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")

# ---------------------------------------------------------------- the indexes (migration 0003)


def _former_text(row: str) -> str:
    """SQL for a row's former names as plain text, one per line (also for non-JSON values)."""
    column = f"{row}.former_names"
    return (
        f"CASE WHEN json_valid({column}) AND json_type({column}) = 'array' "
        f"THEN (SELECT group_concat(value, char(10)) FROM json_each({column})) "
        f"ELSE {column} END"
    )


def _fts_values(row: str) -> str:
    # Two sentinel characters end every value, so each substring of 1–2 characters is the
    # start of some indexed trigram (see _short_term_match).
    pad = f" || char({SENTINEL}, {SENTINEL})"
    return f"{row}.id, {row}.name{pad}, ({_former_text(row)}){pad}, {row}.business_scope{pad}"


SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, former_names, business_scope, content='', tokenize='trigram')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, 'row')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON enterprises_enterprise BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, name, former_names, business_scope) "
    f"VALUES ({_fts_values('new')}); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON enterprises_enterprise BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, former_names, business_scope) "
    f"VALUES ('delete', {_fts_values('old')}); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF name, former_names, "
    f"business_scope ON enterprises_enterprise BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, former_names, business_scope) "
    f"VALUES ('delete', {_fts_values('old')}); "
    f"INSERT INTO {FTS_TABLE}(rowid, name, former_names, business_scope) "
    f"VALUES ({_fts_values('new')}); END",
]
SQLITE_FILL = (
    f"INSERT INTO {FTS_TABLE}(rowid, name, former_names, business_scope) "
    f"SELECT {_fts_values('e')} FROM enterprises_enterprise e"
)
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TABLE IF EXISTS {VOCAB_TABLE}",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
PG_INDEXES = {
    "enterprise_name_trgm": "UPPER(name::text)",
    "enterprise_scope_trgm": "UPPER(business_scope::text)",
    "enterprise_former_names_trgm": "UPPER(former_names::text)",
}
PG_INSTALL = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
    f"CREATE INDEX IF NOT EXISTS {name} ON enterprises_enterprise "
    f"USING gin (({expression}) gin_trgm_ops)"
    for name, expression in PG_INDEXES.items()
]
# The extension stays: other tables may use it, and dropping it needs more rights.
PG_REMOVE = [f"DROP INDEX IF EXISTS {name}" for name in PG_INDEXES]


def sqlite_has_trigram() -> bool:
    import sqlite3

    return sqlite3.sqlite_version_info >= MIN_SQLITE_FTS5_TRIGRAM


def _fts_exists(cursor: Any) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE])
    return cursor.fetchone() is not None


def install_search_index(connection: Any = None, fill_only_if_new: bool = True) -> None:
    """Create the vendor's search index (idempotent); a new SQLite index is filled at once."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in PG_INSTALL:
                cursor.execute(sql)
        elif connection.vendor == "sqlite" and sqlite_has_trigram():
            fresh = not _fts_exists(cursor)
            for sql in SQLITE_INSTALL:
                cursor.execute(sql)
            if fresh or not fill_only_if_new:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
                cursor.execute(SQLITE_FILL)


def remove_search_index(connection: Any = None) -> None:
    connection = connection or default_connection
    statements = {"postgresql": PG_REMOVE, "sqlite": SQLITE_REMOVE}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def uses_fts(connection: Any = None) -> bool:
    connection = connection or default_connection
    if connection.vendor != "sqlite" or not sqlite_has_trigram():
        return False
    with connection.cursor() as cursor:
        return _fts_exists(cursor)


# ---------------------------------------------------------------- the query


def search_terms(q: str | None) -> list[str]:
    """Whitespace separates terms that must all match; each is a literal substring."""
    return [term for term in (q or "").split() if term]


def _like(term: str) -> str:
    return "%" + default_connection.ops.prep_for_like_query(term) + "%"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts_match(expression: str, drive: bool = True) -> Q:
    """Rows whose index entry matches. With `drive` False, SQLite is told (the unary +) not to
    walk the matches but to test them, so a smaller set (a chain's enterprises) leads."""
    sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    if drive:
        return Q(id__in=RawSQL(sql, [expression]))
    test = f'+"enterprises_enterprise"."id" IN ({sql})'
    return Q(RawSQL(test, [expression], output_field=BooleanField()))


def _short_term_match(term: str, drive: bool) -> Q | None:
    """A term of 1–2 characters as the OR of the indexed trigrams that start with it.

    Trigram MATCH needs 3 characters; the vocabulary of the index lists every trigram, and
    the sentinels at the end of each value make every short substring the start of one.
    None when the term starts too many trigrams (a very common character): then LIKE it is.
    """
    prefix = term.lower()
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term FROM {VOCAB_TABLE} WHERE term >= %s AND term < %s LIMIT %s",
            [prefix, prefix + "\U0010ffff", MAX_EXPANSION + 1],
        )
        grams = [row[0] for row in cursor.fetchall()]
    if len(grams) > MAX_EXPANSION:
        return None
    if not grams:
        return Q(pk__in=[])
    return _fts_match(" OR ".join(_fts_phrase(gram) for gram in grams), drive)


def _like_term(term: str) -> Q:
    column = '"enterprises_enterprise"."former_names"'
    # Most enterprises have no former name: skip decoding their empty list.
    former = (
        f"CASE WHEN {column} = '[]' THEN 0 WHEN json_valid({column}) THEN EXISTS "
        f"(SELECT 1 FROM json_each({column}) WHERE json_each.value LIKE %s ESCAPE '\\') "
        f"ELSE {column} LIKE %s ESCAPE '\\' END"
    )
    pattern = _like(term)
    former_match = RawSQL(former, [pattern, pattern], output_field=BooleanField())
    return Q(name__icontains=term) | Q(business_scope__icontains=term) | Q(former_match)


def _sqlite_term(term: str, fts: bool, drive: bool) -> Q:
    if not fts:
        return _like_term(term)
    if len(term) >= MIN_TRIGRAM:
        return _fts_match(_fts_phrase(term), drive)
    return _short_term_match(term, drive) or _like_term(term)


def _text_filter(qs: QuerySet, terms: list[str], narrow: bool) -> QuerySet:
    if default_connection.vendor == "sqlite":
        fts = uses_fts()
        for term in terms:
            qs = qs.filter(_sqlite_term(term, fts, drive=not narrow))
        return qs
    qs = qs.alias(former_text=Cast("former_names", TextField()))
    for term in terms:
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(business_scope__icontains=term)
            | Q(former_text__icontains=term)
        )
    return qs


def region_prefix(code: str) -> str:
    """The code prefix that selects a division and everything inside it (65 / 6523 / 652301)."""
    code = (code or "").strip()
    if not _REGION_CODE.match(code):
        raise ValidationError({"region": f"区划代码应为 2、4 或 6 位数字：{code}"})
    if len(code) < 6:
        return code
    level = Region.objects.filter(code=code).values_list("level", flat=True).first()
    if level is None:
        # Not in the table: read the level from the zeros, as GB/T 2260 writes it.
        level = (
            RegionLevel.PROVINCE
            if code.endswith("0000")
            else RegionLevel.CITY
            if code.endswith("00")
            else RegionLevel.COUNTY
        )
    return code[: PREFIX_LENGTH[level]]


def _money(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError as exc:
        raise ValidationError({field: f"注册资本应为数字（万元）：{value}"}) from exc


def search_enterprises(
    q: str | None = None,
    region: str | None = None,
    link: int | None = None,
    chain: str | None = None,
    capital_min: Any = None,
    capital_max: Any = None,
    status: str | None = None,
    include_archived: bool = False,
) -> QuerySet[Enterprise]:
    """Enterprises matching every given criterion; exact name matches first, then newest first.

    `q`: substrings (split on whitespace, all must match) of the name, a former name or the
    business scope. `region`: a division code at any level, matching everything inside it.
    `link`: a link id; `chain`: a chain code. Capital bounds in 万元. `status`: 登记状态 as
    written ("存续" also matches "存续（在营、开业、在册）").
    """
    qs = Enterprise.objects.all()
    if not include_archived:
        qs = qs.filter(archived=False, merged_into__isnull=True)
    prefix = region_prefix(region) if region else ""
    # A chain's, a city's or a county's enterprises are fewer than a text term's usual matches:
    # let those lead and test each against the text index (SQLite; PostgreSQL plans this itself).
    narrow = bool(link or chain) or len(prefix) >= PREFIX_LENGTH[RegionLevel.CITY]
    qs = _text_filter(qs, search_terms(q), narrow)
    if prefix:
        places = Region.objects.filter(code__startswith=prefix).values("id")
        qs = qs.filter(region_id__in=places)
    if link:
        qs = qs.filter(id__in=EnterpriseLink.objects.filter(link_id=link).values("enterprise_id"))
    if chain:
        on_chain = EnterpriseLink.objects.filter(link__chain__code=chain)
        qs = qs.filter(id__in=on_chain.values("enterprise_id"))
    low, high = _money(capital_min, "capital_min"), _money(capital_max, "capital_max")
    if low is not None:
        qs = qs.filter(registered_capital_wan__gte=low)
    if high is not None:
        qs = qs.filter(registered_capital_wan__lte=high)
    if status:
        qs = qs.filter(status__startswith=status.strip())
    return _ordered(qs, (q or "").strip())


def count_capped(qs: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """How many match, counting no further than `cap` (a count reads every matching row)."""
    cap = COUNT_CAP if cap is None else cap
    found = qs.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def _ordered(qs: QuerySet, q: str) -> QuerySet:
    """Newest first, which the indexes give without sorting the matches; an enterprise named
    exactly `q` goes first (found through the name index, then pinned by id)."""
    if not q:
        return qs.order_by("-id")
    exact = list(qs.filter(name=q).order_by().values_list("id", flat=True)[:20])
    if not exact:
        return qs.order_by("-id")
    pinned = Case(When(id__in=exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.alias(exact_first=pinned).order_by("exact_first", "-id")
