"""The shared lists' version (helpdesk.shared_lists) changes with this app's tables those lists read."""

from django.db import migrations

from helpdesk import shared_lists

TABLES = [
    "tickets_customstatus",
    "tickets_customstatus_teams",
    "tickets_category",
    "tickets_rootcause",
    "tickets_activitytype",
    "tickets_macro",
    "tickets_savedview",
]


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0015_shared_lists_version"),
        ("tickets", "0057_opportunity_created_events_kind"),
    ]

    operations = [shared_lists.triggers_operation(TABLES)]
