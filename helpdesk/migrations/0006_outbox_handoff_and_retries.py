"""The outbox's delivery guarantees: `handoff_at` (a mail handed to the SMTP server with no outcome
recorded since), `resends` (sent again although an earlier hand-off may have arrived) and `dropped`
(finished without sending; rows finished so before carry their reason in `last_error`)."""

from django.db import migrations, models


def mark_dropped(apps, schema_editor):
    NotificationLog = apps.get_model("helpdesk", "NotificationLog")
    NotificationLog.objects.using(schema_editor.connection.alias).filter(sent_at__isnull=False).exclude(
        last_error=""
    ).update(dropped=True)


class Migration(migrations.Migration):

    dependencies = [
        ('helpdesk', '0005_outbox'),
    ]

    operations = [
        migrations.AddField(
            model_name='notificationlog',
            name='dropped',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='notificationlog',
            name='handoff_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='notificationlog',
            name='resends',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(mark_dropped, migrations.RunPython.noop),
    ]
