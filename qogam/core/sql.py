"""Plain parameterised INSERTs for the write paths that must be fast: the filing of a report under
the 31 March surge, the audit log behind every write, generated and migrated data in bulk.

The ORM's bulk_create builds and compiles a model instance per row; for a 45-column version that is
most of a filing's time (bench/report_surge.py). These helpers take rows as dicts by attribute name,
fill in field defaults and convert only the values the database driver cannot take as they are
(JSON, dates and times). They run in the caller's transaction and bypass model signals, exactly as
bulk_create does.
"""

from __future__ import annotations

from django.db import connection

_CONVERTED = ("JSONField", "DateField", "DateTimeField")


def _fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def prepared(model, rows: list[dict]) -> tuple[list, list[list]]:
    """The model's columns (all concrete fields but the primary key) and each row's values, ready for
    the database: missing values take the field's default."""
    fields = _fields(model)
    converted = {f.attname for f in fields if f.get_internal_type() in _CONVERTED}
    defaults = {f.attname: f.get_default() for f in fields}
    values = []
    for row in rows:
        line = []
        for f in fields:
            value = row.get(f.attname, defaults[f.attname])
            line.append(f.get_db_prep_save(value, connection) if f.attname in converted else value)
        values.append(line)
    return fields, values


def insert_rows(model, rows: list[dict], *, returning: bool = False) -> list[int]:
    """Insert `rows` into `model`'s table. With `returning`, the new primary keys in the order of
    `rows` (INSERT … RETURNING: PostgreSQL, SQLite 3.35+); otherwise an empty list."""
    if not rows:
        return []
    fields, values = prepared(model, rows)
    quote = connection.ops.quote_name
    meta = model._meta
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    placeholder = f"({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(head + placeholder, values)
            return []
        limit = connection.features.max_query_params or 32766
        per_statement = max(1, limit // len(fields))
        ids: list[int] = []
        for start in range(0, len(values), per_statement):
            chunk = values[start:start + per_statement]
            cursor.execute(
                head + ", ".join([placeholder] * len(chunk)) + f" RETURNING {quote(meta.pk.column)}",
                [value for line in chunk for value in line],
            )
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def upsert_rows(model, rows: list[dict], *, unique: list[str], update: list[str]) -> None:
    """Insert `rows`, or update the `update` fields of the row that already has the same `unique`
    fields (INSERT … ON CONFLICT … DO UPDATE: PostgreSQL, SQLite 3.24+)."""
    if not rows:
        return
    fields, values = prepared(model, rows)
    quote = connection.ops.quote_name
    meta = model._meta
    column = {name: quote(meta.get_field(name).column) for name in [*unique, *update]}
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({', '.join(column[name] for name in unique)}) DO UPDATE SET "
        + ", ".join(f"{column[name]} = EXCLUDED.{column[name]}" for name in update)
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def insert_objects(objs: list, *, using: str = "default") -> list:
    """Insert unsaved model instances (all of one model) with `insert_rows`, and make them what a save
    makes them: primary key set, no longer `adding`, bound to the database."""
    if not objs:
        return objs
    ids = insert_rows(type(objs[0]), [obj.__dict__ for obj in objs], returning=True)
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using
    return objs
