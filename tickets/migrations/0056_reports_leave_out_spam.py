# A ticket marked as spam (tagged `spam`, tickets.services.spam) is no work: the report views leave it
# out, so volume, times, first-contact resolution, SLA compliance, recurring and trends never count it.
# The source view (what the summary's refresh inserts and what serves today live) drops a ticket with
# the tag; the rows already summarized for such tickets are deleted here, and the refresh drops the row
# of a ticket marked later (marking it stamps updated_at, which the refresh re-reads). Their SQL is
# 0050's (imported: a migration never changes) with that one condition added.
# The reports that read tickets leave spam out by the ticket's id (tickets.reports.query.spam_out):
# ticket_solved_report_idx carries the id too, so workload's solved tickets and trends' root causes
# are still read from the index alone.

import importlib

from django.db import migrations, models

PREVIOUS = importlib.import_module("tickets.migrations.0050_message_notice")
FIRST = importlib.import_module("tickets.migrations.0040_report_summary_requester")
NOT_MERGED = "WHERE t.merged_into_id IS NULL"
# Anti-joined through tickets_ticket_tags' (ticket_id, tag_id) unique index: the few spam rows only.
SPAM = (
    "NOT EXISTS (SELECT 1 FROM tickets_ticket_tags tt INNER JOIN tickets_tag g ON g.id = tt.tag_id"
    " WHERE tt.ticket_id = t.id AND g.name = 'spam')"
)
SPAM_TICKETS = (
    "SELECT tt.ticket_id FROM tickets_ticket_tags tt INNER JOIN tickets_tag g ON g.id = tt.tag_id WHERE g.name = 'spam'"
)


def create_views(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    source = FIRST._source(FIRST._pg_minutes if postgres else FIRST._sqlite_minutes)
    assert PREVIOUS.AGENT_REPLY in source and source.count(NOT_MERGED) == 1
    source = source.replace(
        PREVIOUS.AGENT_REPLY, "AND m.author_user_id IS NOT NULL AND m.author_contact_id IS NULL AND NOT m.notice)"
    )
    source = source.replace(NOT_MERGED, f"{NOT_MERGED} AND {SPAM}")
    beginning = "'-infinity'::timestamptz" if postgres else "'0001-01-01 00:00:00'"
    schema_editor.execute(f"CREATE VIEW tickets_reportfactsource AS {source}")
    schema_editor.execute(f"CREATE VIEW tickets_reportrow AS {FIRST._rows(beginning)}")
    schema_editor.execute(f"DELETE FROM tickets_reportfact WHERE ticket_id IN ({SPAM_TICKETS})")  # noqa: S608 (constants)


def create_previous_views(apps, schema_editor):
    PREVIOUS.create_views(apps, schema_editor)
    # the spam tickets' rows, as the previous views counted them, for the days the summary covers
    columns = ", ".join(field.column for field in _fields(apps))
    schema_editor.execute(
        f"INSERT INTO tickets_reportfact ({columns}) SELECT {columns} FROM tickets_reportfactsource"  # noqa: S608
        f" WHERE ticket_id IN ({SPAM_TICKETS}) AND created_at <"
        " (SELECT covered_until FROM tickets_reportsummary WHERE id = 1)"
    )


def _fields(apps):
    return apps.get_model("tickets", "ReportFact")._meta.concrete_fields


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0055_blocked_senders_and_spam"),
    ]

    operations = [
        migrations.RunPython(FIRST.drop_views, create_previous_views),
        migrations.RunPython(create_views, FIRST.drop_views),
        migrations.RemoveIndex(model_name="ticket", name="ticket_solved_report_idx"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", True), ("solved_at__isnull", False)),
                fields=["solved_at"],
                include=("assignee", "team", "root_cause", "id"),
                name="ticket_solved_report_idx",
            ),
        ),
    ]
