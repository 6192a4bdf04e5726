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
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from chainvest.chains.models import Link
from chainvest.enterprises.models import Enterprise, EnterpriseLink
from chainvest.regions.models import Region, RegionLevel

FTS_TABLE = "enterprises_enterprise_fts"
VOCAB_TABLE = "enterprises_enterprise_fts_vocab"
SENTINEL = 31  # a control character nobody types; stripped from queries
COUNT_CAP = 10_000  # the list page says "10000+" beyond this
MAX_EXPANSION = 400  # trigrams a short term may expand to before LIKE is cheaper
MIN_TRIGRAM = 3
COMMON = 5_000  # index matches from which a term counts as common (see _sqlite_text_filter)
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


def _short_term_expression(term: str) -> str | None:
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
    # No trigram starts with it: nothing contains it (a gram no row has stands for "none").
    return "(" + " OR ".join(_fts_phrase(gram) for gram in grams or [term * 3]) + ")"


def _fts_join(qs: QuerySet, expressions: list[str]) -> QuerySet:
    """Rows whose index entry matches every expression, joined to the FTS table itself.

    Joined rather than `id IN (SELECT rowid …)`: FTS5 then hands its matches out newest first
    (ORDER BY rowid DESC, see _ordered) and stops at the page or the count's cap, where the
    IN list first collected every match of a common term (700k for 科技有限 in 10 M).
    """
    return qs.extra(
        tables=[FTS_TABLE],
        where=[f'"{FTS_TABLE}".rowid = "enterprises_enterprise"."id"', f'"{FTS_TABLE}" MATCH %s'],
        params=[" AND ".join(expressions)],
    )


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


def _text_filter(qs: QuerySet, terms: list[str], narrow: bool) -> tuple[QuerySet, bool]:
    """The text terms applied; True when the FTS index leads the query (SQLite)."""
    if default_connection.vendor == "sqlite":
        return _sqlite_text_filter(qs, terms, narrow)
    qs = qs.alias(former_text=Cast("former_names", TextField()))
    for term in terms:
        lookup = "icontains" if len(term) >= MIN_TRIGRAM or _cased(term) else "contains"
        qs = qs.filter(
            Q(**{f"name__{lookup}": term})
            | Q(**{f"business_scope__{lookup}": term})
            | Q(**{f"former_text__{lookup}": term})
        )
    return qs, False


def _cased(term: str) -> bool:
    """Whether case can matter. A 1-2 character term has no trigram and is scanned (PostgreSQL):
    without letters (Chinese, digits) a plain LIKE finds the same rows as UPPER(…) LIKE UPPER(…)
    and reads the pool about twice as fast, as it no longer upper-cases every business scope."""
    return term.upper() != term or term.lower() != term


def _sqlite_text_filter(qs: QuerySet, terms: list[str], narrow: bool) -> tuple[QuerySet, bool]:
    fts = uses_fts()
    expressions = []
    for term in terms:
        if not fts:
            expression = None
        elif len(term) >= MIN_TRIGRAM:
            expression = _fts_phrase(term)
        else:
            expression = _short_term_expression(term)
        # A common term (科技有限) behind a narrow filter (a city, a chain) is tested row by
        # row on the filter's rows: walking all its index matches would cost far more.
        if expression is None or (narrow and _common(expression)):
            qs = qs.filter(_like_term(term))
        else:
            expressions.append(expression)
    return (_fts_join(qs, expressions), True) if expressions else (qs, False)


def _common(expression: str) -> bool:
    """At least COMMON matches in the index (counting stops there, so this stays cheap)."""
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)"
    with default_connection.cursor() as cursor:
        cursor.execute(sql, [expression, COMMON])
        return cursor.fetchone()[0] >= COMMON


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
    narrow = bool(link or chain) or len(prefix) >= PREFIX_LENGTH[RegionLevel.CITY]
    qs, fts_leads = _text_filter(qs, search_terms(q), narrow)
    if prefix:
        places = Region.objects.filter(code__startswith=prefix).values("id")
        qs = qs.filter(region_id__in=places)
    if link:
        qs = qs.filter(_placed(EnterpriseLink.objects.filter(link_id=link), fts_leads))
    if chain:
        links = list(Link.objects.filter(chain__code=chain).values_list("id", flat=True))
        qs = qs.filter(_placed(EnterpriseLink.objects.filter(link_id__in=links), fts_leads))
    low, high = _money(capital_min, "capital_min"), _money(capital_max, "capital_max")
    if low is not None:
        qs = qs.filter(registered_capital_wan__gte=low)
    if high is not None:
        qs = qs.filter(registered_capital_wan__lte=high)
    if status:
        qs = qs.filter(status__startswith=status.strip())
    return _ordered(qs, (q or "").strip())


def _placed(rows: QuerySet, probe: bool) -> Q:
    """On the link or chain: probed row by row (EXISTS on the enterprise's own assignments)
    behind the text index when it leads, else as the id list that leads itself."""
    if probe:
        return Q(Exists(rows.filter(enterprise_id=OuterRef("pk"))))
    return Q(id__in=rows.values("enterprise_id"))


def count_capped(qs: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """How many match, counting no further than `cap` (a count reads every matching row)."""
    cap = COUNT_CAP if cap is None else cap
    found = qs.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def _ordered(qs: QuerySet, q: str) -> QuerySet:
    """Newest first, which the indexes give without sorting the matches; an enterprise named
    exactly `q` goes first (found through the name index, then pinned by id)."""
    newest = qs.order_by("-id")
    if FTS_TABLE in qs.query.extra_tables:
        # The same order, read straight off the index (FTS5 walks its rowids backwards).
        newest = qs.order_by().extra(order_by=[f"-{FTS_TABLE}.rowid"])
    if not q:
        return newest
    exact = list(qs.filter(name=q).order_by().values_list("id", flat=True)[:20])
    if not exact:
        return newest
    pinned = Case(When(id__in=exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.alias(exact_first=pinned).order_by("exact_first", "-id")
