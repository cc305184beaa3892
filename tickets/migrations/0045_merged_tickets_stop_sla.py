"""Merged tickets keep no SLA clocks (tickets.services.links.ticket_merge stops them since this change).

A ticket merged before it kept the state its close left (met, or breached) and could still carry a
next check or escalation; from now on a merged ticket has no due times, no state and nothing to come,
so it is in no SLA list and the sweep never looks at it. Its history (SLA events, the first breach
time) stays. Only merged tickets are touched, found through the index of `merged_into`.
"""

from django.db import migrations


def stop_merged_clocks(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Ticket.objects.filter(merged_into__isnull=False).update(
        first_response_due_at=None,
        next_response_due_at=None,
        resolution_due_at=None,
        sla_state="",
        sla_next_check_at=None,
        next_escalation_at=None,
        sla_error="",
        sla_error_since=None,
    )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0044_search_vector_statistics")]

    # Nothing to undo: the clocks of a merged ticket were stopped by its close already.
    operations = [migrations.RunPython(stop_merged_clocks, migrations.RunPython.noop)]
