"""The outbox (NotificationLog, WebhookEndpoint) moves to the helpdesk app (helpdesk.outbox), its
tables and rows staying where they are (helpdesk migration 0005 takes the models over, same tables).

Here: the row's link to its ticket loses its database constraint (the column `ticket_id` and its
index stay; the outbox keeps the id as a plain integer), then tickets forgets both models."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0013_ticket_reply_to_email"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notificationlog",
            name="ticket",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="notifications",
                to="tickets.ticket",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="NotificationLog"),
                migrations.DeleteModel(name="WebhookEndpoint"),
            ],
            database_operations=[],
        ),
    ]
