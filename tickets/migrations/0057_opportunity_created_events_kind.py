"""Opportunity-created events name the opportunity's kind in their data (read in the reader's language,
tickets.workspace.event_sentences.ear_item); events written before say it only as a label."""

from django.db import migrations


def add_kind(apps, schema_editor):
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    Opportunity = apps.get_model("tickets", "Opportunity")
    events = TicketEvent.objects.filter(kind="opportunity_created", data__has_key="opportunity").exclude(
        data__has_key="kind"
    )
    kinds = dict(Opportunity.objects.values_list("pk", "kind"))
    changed = []
    for event in events.only("pk", "data").iterator():
        if (kind := kinds.get(event.data.get("opportunity"))) is not None:
            event.data = {**event.data, "kind": kind}
            changed.append(event)
    TicketEvent.objects.bulk_update(changed, ["data"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0056_reports_leave_out_spam")]

    operations = [migrations.RunPython(add_kind, migrations.RunPython.noop)]
