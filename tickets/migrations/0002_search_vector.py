import django.contrib.postgres.search
from django.db import migrations

GIN_SQL = "CREATE INDEX IF NOT EXISTS ticket_search_vector_gin ON tickets_ticket USING gin (search_vector)"
DROP_SQL = "DROP INDEX IF EXISTS ticket_search_vector_gin"


def create_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN_SQL)


def drop_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        # GIN index for ?q= full-text search (tickets.search.ticket_search), PostgreSQL only.
        migrations.RunPython(create_gin, drop_gin),
    ]
