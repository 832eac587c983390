"""Search index on Organisation.search_key (see qogam/registry/search.py).

PostgreSQL: the pg_trgm extension (trusted since PostgreSQL 13) and a GIN gin_trgm_ops index for
substring (LIKE) and fuzzy (<%) search, plus a varchar_pattern_ops index for BIN prefixes.
SQLite: an FTS5 trigram table with external content on registry_organisation.search_key, kept
in sync by triggers. Other engines: nothing (search falls back to plain queries).
"""

from django.db import migrations

FTS = "registry_organisation_fts"

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    "search_key, content='registry_organisation', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON registry_organisation BEGIN "
    f"INSERT INTO {FTS}(rowid, search_key) VALUES (new.id, new.search_key); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON registry_organisation BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_key) VALUES ('delete', old.id, old.search_key); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE OF search_key ON registry_organisation BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
    f"INSERT INTO {FTS}(rowid, search_key) VALUES (new.id, new.search_key); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_organisation_search_key_trgm "
    "ON registry_organisation USING gin (search_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_organisation_bin_prefix ON registry_organisation (bin varchar_pattern_ops)",
]
# The extension stays: other indexes or databases objects may use it.
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS registry_organisation_search_key_trgm",
    "DROP INDEX IF EXISTS registry_organisation_bin_prefix",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        )
    ]
