"""Search of the register: by name in Cyrillic or Latin, typo-tolerant, and by BIN.

Every name is folded to `Organisation.search_key` (lower-case Latin words, see `search_key.py`),
and so is the query, so "Жастар", "Zhastar" and "Jastar" meet. The strategy is the same on every
database:

1. A query of digits is a BIN: exact for 12 digits, a prefix otherwise.
2. Otherwise every word of the folded query must occur in the key as a substring (AND).
3. Only when that finds nothing: a fuzzy fallback. An organisation matches when the trigram
   `word_similarity` of the query to its key (PostgreSQL pg_trgm's definition) reaches the
   configurable threshold `registry.search_fuzzy_threshold`; the FUZZY_LIMIT best are returned,
   ranked by it.

PostgreSQL answers (2) with LIKE and (3) with the `<%` operator, both through a GIN `gin_trgm_ops`
index. SQLite answers (2) through an FTS5 trigram index (words of three or more letters; shorter
words through LIKE) and (3) by taking the best candidates of an OR of the query's trigrams by bm25,
then computing the same `word_similarity` in Python, so both engines return the same results.

Search narrows the queryset it is given, so filters applied before it are never lost.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, CharField, F, FloatField, Func, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat

from qogam.core import config
from qogam.registry.search_key import search_key

FTS_TABLE = "registry_organisation_fts"
# The fuzzy fallback returns at most this many best matches, on every engine.
FUZZY_LIMIT = 200
# How many bm25-ranked candidates SQLite re-ranks exactly in the fuzzy fallback.
SQLITE_FUZZY_CANDIDATES = FUZZY_LIMIT
BIN_LENGTH = 12


class Mode:
    ALL = "all"
    BIN = "bin"
    SUBSTRING = "substring"
    FUZZY = "fuzzy"
    NOTHING = "nothing"


@dataclass(frozen=True)
class SearchResult:
    queryset: QuerySet
    mode: str
    """How the query was understood: one of `Mode`."""

    @property
    def is_fuzzy(self) -> bool:
        return self.mode == Mode.FUZZY


# --- Query parsing ---------------------------------------------------------------------------


def bin_query(query: str) -> str | None:
    """The digits of a query that is a BIN or a BIN prefix ("1801 4001 2345" too), or None."""
    compact = "".join(query.split()).replace("-", "")
    if compact and compact.isascii() and compact.isdigit():
        return compact
    return None


def query_words(query: str) -> list[str]:
    """The folded words of a name query, without repeats, in order."""
    seen: dict[str, None] = {}
    for word in search_key(query).split():
        seen.setdefault(word, None)
    return list(seen)


# --- pg_trgm's word similarity, for engines without it ---------------------------------------


def trigrams(text: str) -> list[str]:
    """pg_trgm's trigrams of a folded text, in order: each word padded with two spaces before
    and one after."""
    out: list[str] = []
    for word in text.split():
        padded = f"  {word} "
        out.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def _float4(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def word_similarity(query: str, text: str) -> float:
    """pg_trgm's `word_similarity(query, text)` for folded (lower-case ASCII) strings.

    The greatest similarity between the query's set of trigrams and a continuous extent of the
    text's ordered trigrams: count / (|query| + |extent| - count). The extent is found the way
    pg_trgm finds it (greedy on the upper bound, best lower bound at each step), and the result is
    rounded to float4 as PostgreSQL returns it, so the values are the same.
    """
    wanted = set(trigrams(query))
    ulen1 = len(wanted)
    if not ulen1:
        return 0.0
    seq = trigrams(text)
    lastpos: dict[str, int] = {}
    ulen2 = count = 0
    lower = -1
    best = 0.0
    for i, trigram in enumerate(seq):
        found = trigram in wanted
        if lower >= 0 or found:
            if lastpos.get(trigram, -1) < 0:
                ulen2 += 1
                if found:
                    count += 1
            lastpos[trigram] = i
        if not found:
            continue
        if lower == -1:
            lower = i
            ulen2 = 1
        current = count / (ulen1 + ulen2 - count)
        tmp_count, tmp_ulen2, prev_lower = count, ulen2, lower
        for tmp_lower in range(lower, i + 1):
            candidate = tmp_count / (ulen1 + tmp_ulen2 - tmp_count)
            if candidate > current:
                current, ulen2, lower, count = candidate, tmp_ulen2, tmp_lower, tmp_count
            dropped = seq[tmp_lower]
            if lastpos.get(dropped) == tmp_lower:
                tmp_ulen2 -= 1
                if dropped in wanted:
                    tmp_count -= 1
        best = max(best, current)
        for tmp_lower in range(prev_lower, lower):
            dropped = seq[tmp_lower]
            if lastpos.get(dropped) == tmp_lower:
                lastpos[dropped] = -1
    return _float4(best)


def similarity_upper_bound(query_trigrams: set[str], text: str) -> float:
    """|query ∩ text| / |query|: no extent of the text can be more similar than this."""
    if not query_trigrams:
        return 0.0
    return len(query_trigrams & set(trigrams(text))) / len(query_trigrams)


# --- Database expressions ----------------------------------------------------------------------


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


class WordSimilar(Func):
    """PostgreSQL `query <% key`: word_similarity(query, key) ≥ pg_trgm.word_similarity_threshold."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def fuzzy_threshold() -> float:
    return float(config.get("registry.search_fuzzy_threshold"))


# --- Organisations -----------------------------------------------------------------------------


def search_organisations(queryset: QuerySet, query: str | None) -> SearchResult:
    """Narrow `queryset` (organisations) to those matching `query`, best matches first."""
    query = (query or "").strip()
    if not query:
        return SearchResult(queryset, Mode.ALL)
    digits = bin_query(query)
    if digits is not None:
        return SearchResult(_by_bin(queryset, digits), Mode.BIN)
    words = query_words(query)
    if not words:
        return SearchResult(queryset.none(), Mode.NOTHING)
    vendor = connections[queryset.db].vendor
    found = _substring(queryset, words, vendor)
    if found.exists():
        return SearchResult(found, Mode.SUBSTRING)
    key = " ".join(words)
    if vendor == "postgresql":
        return SearchResult(_fuzzy_postgresql(queryset, key), Mode.FUZZY)
    if vendor == "sqlite":
        return SearchResult(_fuzzy_sqlite(queryset, key), Mode.FUZZY)
    return SearchResult(_fuzzy_python(queryset, key), Mode.FUZZY)


def _by_bin(queryset: QuerySet, digits: str) -> QuerySet:
    if len(digits) > BIN_LENGTH:
        return queryset.none()
    if len(digits) == BIN_LENGTH:
        return queryset.filter(bin=digits)
    # The range lets SQLite use the unique index on bin; ":" sorts right after "9" in byte order.
    # PostgreSQL uses its varchar_pattern_ops index for the prefix (migration 0002).
    narrowed = queryset.filter(bin__startswith=digits)
    if connections[queryset.db].vendor == "sqlite":
        narrowed = narrowed.filter(bin__gte=digits, bin__lt=digits + ":")
    return narrowed


def _substring(queryset: QuerySet, words: list[str], vendor: str) -> QuerySet:
    if vendor == "sqlite":
        long_words = [w for w in words if len(w) >= 3]
        if long_words:
            # Words are [a-z0-9] only (folded), so quoting them as FTS5 strings is safe.
            match = " AND ".join(f'"{w}"' for w in long_words)
            queryset = queryset.filter(
                id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
            )
        for word in words:
            if len(word) < 3:
                queryset = queryset.filter(search_key__contains=word)
        return queryset
    for word in words:
        queryset = queryset.filter(search_key__contains=word)
    return queryset


def _fuzzy_postgresql(queryset: QuerySet, key: str) -> QuerySet:
    threshold = fuzzy_threshold()
    with connections[queryset.db].cursor() as cursor:
        # `<%` compares with this setting; it is what lets the GIN trigram index answer.
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(threshold)])
    similarity = WordSimilarity(Value(key), F("search_key"))
    best = (
        queryset.filter(WordSimilar(Value(key), F("search_key")))
        .order_by(similarity.desc(), "name_ru", "name_kk", "id")
        .values("id")[:FUZZY_LIMIT]
    )
    return queryset.filter(id__in=best).order_by(similarity.desc(), "name_ru", "name_kk", "id")


def _ranked(queryset: QuerySet, rows, key: str) -> QuerySet:
    """Keep the rows (id, search_key, name_ru, name_kk) similar enough to `key`, best first (ties by
    name, in code-point order as SQLite sorts), at most FUZZY_LIMIT of them."""
    threshold = fuzzy_threshold()
    wanted = set(trigrams(key))
    scored = []
    for pk, text, name_ru, name_kk in rows:
        if similarity_upper_bound(wanted, text) < threshold:
            continue
        score = word_similarity(key, text)
        if score >= threshold:
            scored.append((-score, name_ru, name_kk, pk))
    scored.sort()
    ids = [pk for *_, pk in scored[:FUZZY_LIMIT]]
    if not ids:
        return queryset.none()
    # The position of ",id," in ",id1,id2,…," orders the rows as ranked here.
    ranking = Value("," + ",".join(map(str, ids)) + ",")
    position = Func(ranking, Concat(Value(","), Cast("id", CharField()), Value(",")), function="INSTR",
                    output_field=IntegerField())
    return queryset.filter(id__in=ids).order_by(position)


def _fuzzy_sqlite(queryset: QuerySet, key: str) -> QuerySet:
    inner = []
    for word in key.split():
        inner.extend(word[i : i + 3] for i in range(len(word) - 2))
    inner = list(dict.fromkeys(inner))
    if not inner:
        return queryset.none()
    match = " OR ".join(f'"{t}"' for t in inner)
    # Materialised first: an FTS5 MATCH constrained by rowid would be re-run for every row.
    sql = (
        f"WITH matched AS MATERIALIZED (SELECT rowid AS id, bm25({FTS_TABLE}) AS rank "
        f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) SELECT id FROM matched"
    )
    params = [match]
    if queryset.query.where:
        ids_sql, ids_params = queryset.order_by().values("id").query.sql_with_params()
        sql += f" WHERE id IN ({ids_sql})"
        params.extend(ids_params)
    sql += " ORDER BY rank, id LIMIT %s"
    params.append(SQLITE_FUZZY_CANDIDATES)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        candidates = [row[0] for row in cursor.fetchall()]
    rows = (
        queryset.model._default_manager.using(queryset.db)
        .filter(id__in=candidates)
        .values_list("id", "search_key", "name_ru", "name_kk")
    )
    return _ranked(queryset, rows, key)


def _fuzzy_python(queryset: QuerySet, key: str) -> QuerySet:
    rows = queryset.order_by().values_list("id", "search_key", "name_ru", "name_kk")
    return _ranked(queryset, rows.iterator(), key)


# --- State bodies (a few hundred rows: folded and matched in Python, the same on every engine) ---


def search_state_bodies(queryset: QuerySet, query: str | None) -> QuerySet:
    query = (query or "").strip()
    if not query:
        return queryset
    digits = bin_query(query)
    if digits is not None:
        return _by_bin(queryset, digits)
    words = query_words(query)
    if not words:
        return queryset.none()
    rows = queryset.order_by().values_list("id", "name_kk", "name_ru", "name_en")
    ids = [pk for pk, *names in rows if all(w in search_key(*names) for w in words)]
    return queryset.filter(id__in=ids)


# --- The index (migration 0002) ----------------------------------------------------------------

SQLITE_INDEX_SQL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_key, content='registry_organisation', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON registry_organisation BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_key) VALUES (new.id, new.search_key); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON registry_organisation BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_key) VALUES ('delete', old.id, old.search_key); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF search_key ON registry_organisation BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_key) VALUES (new.id, new.search_key); END",
]
SQLITE_TRIGGERS = [f"{FTS_TABLE}_insert", f"{FTS_TABLE}_delete", f"{FTS_TABLE}_update"]
POSTGRESQL_INDEX_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_organisation_search_key_trgm "
    "ON registry_organisation USING gin (search_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_organisation_bin_prefix "
    "ON registry_organisation (bin varchar_pattern_ops)",
]


def ensure_search_index(using: str = "default", **kwargs) -> None:
    """Create the engine's search index if it is missing, and rebuild SQLite's when its triggers
    were lost. Idempotent. Run by migration 0002; also safe as a post_migrate handler, which
    matters on SQLite: a later migration that rebuilds registry_organisation drops its triggers."""
    connection = connections[using]
    if "registry_organisation" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'registry_organisation'"
            )
            present = {row[0] for row in cursor.fetchall()}
            complete = all(name in present for name in SQLITE_TRIGGERS)
            for statement in SQLITE_INDEX_SQL:
                cursor.execute(statement)
            if not complete:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'registry_organisation'")
            present = {row[0] for row in cursor.fetchall()}
            if not {"registry_organisation_search_key_trgm", "registry_organisation_bin_prefix"} <= present:
                for statement in POSTGRESQL_INDEX_SQL:
                    cursor.execute(statement)

