"""The outbox's models move from tickets to the helpdesk app (helpdesk.outbox): state only, the
tables (`tickets_notificationlog`, `tickets_webhookendpoint`) and their rows stay as they are
(tickets migration 0014 let go of them and dropped the constraint of `ticket_id`, now a plain id).
Their content types move too, so admin permissions and log entries follow the models."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("notificationlog", "webhookendpoint")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label="helpdesk", model=model).exists():
            ContentType.objects.using(db).filter(app_label="tickets", model=model).update(app_label="helpdesk")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label="tickets", model=model).exists():
            ContentType.objects.using(db).filter(app_label="helpdesk", model=model).update(app_label="tickets")


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0004_api_token_from_drf_tokens"),
        ("tickets", "0014_outbox_to_helpdesk"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WebhookEndpoint",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("url", models.URLField(max_length=500, verbose_name="URL")),
                        (
                            "events",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="The events to send; none selected means every event.",
                                verbose_name="events",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("secret", models.TextField(blank=True, default="", verbose_name="signing secret (encrypted)")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("last_delivery_at", models.DateTimeField(blank=True, null=True, verbose_name="last delivery")),
                        (
                            "last_status",
                            models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="last HTTP status"),
                        ),
                        ("last_error", models.TextField(blank=True, default="", verbose_name="last error")),
                        (
                            "consecutive_failures",
                            models.PositiveIntegerField(default=0, verbose_name="failures in a row"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="created by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "webhook",
                        "verbose_name_plural": "webhooks",
                        "db_table": "tickets_webhookendpoint",
                        "ordering": ["name", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="NotificationLog",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("email", "Email"), ("webhook", "Webhook")], default="email", max_length=16
                            ),
                        ),
                        ("key", models.CharField(max_length=200, unique=True)),
                        ("ticket_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                        ("recipient", models.CharField(max_length=320)),
                        ("template", models.CharField(max_length=100)),
                        ("context", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                        ("last_error", models.TextField(blank=True, default="")),
                        ("message_id", models.CharField(blank=True, db_index=True, default="", max_length=255)),
                        (
                            "webhook",
                            models.ForeignKey(
                                blank=True,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="helpdesk.webhookendpoint",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "tickets_notificationlog",
                        "ordering": ["id"],
                        "indexes": [
                            models.Index(
                                condition=models.Q(("sent_at__isnull", True)),
                                fields=["created_at"],
                                name="notification_unsent_idx",
                            ),
                            models.Index(fields=["recipient", "created_at"], name="notification_recipient_idx"),
                            models.Index(
                                condition=models.Q(("webhook__isnull", False)),
                                fields=["webhook", "-id"],
                                name="notification_webhook_idx",
                            ),
                            models.Index(
                                condition=models.Q(("webhook__isnull", False)),
                                fields=["created_at"],
                                name="notification_webhook_age_idx",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
