"""The ticket indexes that migrations 0002 (search GIN) and 0006 (agent queues) made in raw SQL,
now declared in Ticket.Meta.indexes so that Django's model state knows them.

PostgreSQL databases older than this migration already hold them under the same names, built from
the same definitions (tests/tickets/test_indexes.py compares PostgreSQL's own text of both): there
the index is only recorded in the state, never rebuilt (no lock on a big ticket table). Elsewhere it
is created. The GIN index is PostgreSQL's kind, so SQLite (which searches search_document with LIKE)
never gets it, like knowledgebase 0001's `AddIndexOnPostgres`.
"""

import datetime

import django.contrib.postgres.indexes
import django.db.models.functions.comparison
from django.db import migrations, models


class AdoptIndex(migrations.AddIndex):
    """AddIndex that keeps an index of the same name when the database already has it (made in raw
    SQL by an earlier migration); `postgres_only` skips the database side on other vendors."""

    def __init__(self, model_name, index, postgres_only=False):
        super().__init__(model_name, index)
        self.postgres_only = postgres_only

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        if self.postgres_only:
            kwargs["postgres_only"] = True
        return name, args, kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            if not self.postgres_only:
                super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s AND indexname = %s",
                [model._meta.db_table, self.index.name],
            )
            if cursor.fetchone() is not None:
                return
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # Going back to 0014 leaves the database as 0006 and 0002 made it: the index stays on
        # PostgreSQL (their own reversal drops it); elsewhere it did not exist before.
        if schema_editor.connection.vendor != "postgresql" and not self.postgres_only:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


OPEN = ("new", "open", "pending", "on_hold")
NEVER = models.Value(datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.UTC), output_field=models.DateTimeField())
Coalesce = django.db.models.functions.comparison.Coalesce


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_period_may_end_at_midnight"),
        ("helpdesk", "0004_api_token_from_drf_tokens"),
        ("tickets", "0014_outbox_to_helpdesk"),
    ]

    operations = [
        AdoptIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("assignee__isnull", True), ("status__in", OPEN)),
                fields=["team", "-updated_at", "-id"],
                name="ticket_open_unassigned_idx",
            ),
        ),
        AdoptIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["assignee", "-updated_at", "-id"],
                name="ticket_open_assignee_idx",
            ),
        ),
        AdoptIndex(
            model_name="ticket",
            index=models.Index(condition=models.Q(("status", "solved")), fields=["solved_at"], name="ticket_solved_at_idx"),
        ),
        AdoptIndex(
            model_name="ticket",
            index=models.Index(
                models.F("status"),
                models.F("team"),
                django.db.models.functions.comparison.Least(
                    Coalesce("first_response_due_at", NEVER),
                    Coalesce("next_response_due_at", NEVER),
                    Coalesce("resolution_due_at", NEVER),
                ),
                models.OrderBy(models.F("updated_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="ticket_status_team_due_idx",
            ),
        ),
        AdoptIndex(
            model_name="ticket",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="ticket_search_vector_gin"),
            postgres_only=True,
        ),
    ]
