"""Rebuild every ticket's search words (tickets.search.index): internal notes indexed marked (agents find
them, customers never), the organization's name beside the requester, Persian verb prefixes and
suffixes closed up ("نمی‌کند" one word, «کند» no longer read out of it).

The same batches as 0016 (tickets.search.tickets_reindex), not atomic, so a large table is never locked
for the whole run; `manage.py search_reindex` runs the same rebuild by hand (after a restore, or to
resume from an id with --after).
"""

from django.db import migrations

from tickets.search import tickets_reindex


def rebuild(apps, schema_editor):
    tickets_reindex(
        ticket_model=apps.get_model("tickets", "Ticket"),
        message_model=apps.get_model("tickets", "Message"),
        connection=schema_editor.connection,
    )
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0046_split_tags_with_persian_commas"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
