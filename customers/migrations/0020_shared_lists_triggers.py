"""The shared lists' version (helpdesk.shared_lists) changes with the products, which the ticket page's
sales opportunity picker reads."""

from django.db import migrations

from helpdesk import shared_lists


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0015_shared_lists_version"),
        ("customers", "0019_holiday_runs"),
    ]

    operations = [shared_lists.triggers_operation(["customers_product"])]
