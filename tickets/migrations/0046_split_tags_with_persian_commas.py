"""Tags whose name holds a list separator ("فوری، چاپگر", typed when only the Latin comma split a list)
become the tags they name: every ticket that had the joined tag gets each part (an existing tag of that
name is reused), then the joined tag is deleted. No ticket event is written (nobody changed the tags;
their spelling is repaired). The splitting is frozen here as helpdesk.text.split_list did it then.
"""

import re

from django.db import migrations

SEPARATORS = re.compile("[,\u060c;\u061b\n\r]")
EDGES = " \t\u200c\u200d\u200e\u200f\ufeff\u00a0"


def parts_of(name: str) -> list[str]:
    parts = (" ".join(part.split()).strip(EDGES) for part in SEPARATORS.split(name))
    return list(dict.fromkeys(part.lower()[:60] for part in parts if part))


def split_joined_tags(apps, schema_editor):
    Tag = apps.get_model("tickets", "Tag")
    through = apps.get_model("tickets", "Ticket").tags.through
    for joined in Tag.objects.filter(name__regex="[,\u060c;\u061b]"):
        parts = parts_of(joined.name)
        if not parts:
            continue
        tags = [Tag.objects.get_or_create(name=part)[0] for part in parts]
        ticket_ids = list(through.objects.filter(tag_id=joined.pk).values_list("ticket_id", flat=True))
        rows = [through(ticket_id=ticket_id, tag_id=tag.pk) for ticket_id in ticket_ids for tag in tags]
        through.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        joined.delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0045_merged_tickets_stop_sla")]

    # One way: which tickets had the joined tag is not kept apart from those that had its parts already.
    operations = [migrations.RunPython(split_joined_tags, migrations.RunPython.noop)]
