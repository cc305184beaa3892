"""Kept uploads: the valid files of a refused reply form, held for their owner until the next send
(tickets.attachments.pending); the purge reads them oldest first through the index of `created_at`."""

import django.db.models.deletion
import django.utils.timezone
import tickets.models.conversation
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0048_attachment_charset"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingUpload",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.FileField(max_length=255, upload_to=tickets.models.conversation.pending_upload_path)),
                ("original_name", models.CharField(max_length=255, verbose_name="file name")),
                (
                    "content_type",
                    models.CharField(default="application/octet-stream", max_length=127, verbose_name="content type"),
                ),
                ("size", models.PositiveBigIntegerField(verbose_name="size")),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_uploads",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "kept upload",
                "verbose_name_plural": "kept uploads",
                "ordering": ["id"],
            },
        ),
    ]
