"""Substring-search indexes: pg_trgm GIN on PostgreSQL, an FTS5 trigram table on SQLite.

The SQL differs per database, so it runs from RunPython after checking the vendor; see
chainvest.enterprises.search for what is built and why.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from chainvest.enterprises.search import install_search_index

    install_search_index(schema_editor.connection)


def backwards(apps, schema_editor):
    from chainvest.enterprises.search import remove_search_index

    remove_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_pool"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
