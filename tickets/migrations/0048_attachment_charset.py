"""Attachments keep the charset they are served with (tickets.attachments.store decides it on upload).

Files that are not text are served without one: they get "none" here, in one UPDATE without reading
any file. Text files stored before stay undecided ("") and are read once, on their first download,
which writes the answer back (tickets.attachments.store.charset_of): the migration reads no file.
"""

from django.db import migrations, models


def mark_non_text(apps, schema_editor):
    Attachment = apps.get_model("tickets", "Attachment")
    Attachment.objects.exclude(content_type__startswith="text/").update(charset="none")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0047_search_notes_organizations_persian_affixes")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="charset",
            field=models.CharField(
                blank=True,
                choices=[("", "Not decided yet"), ("utf-8", "UTF-8"), ("none", "None")],
                default="",
                max_length=16,
                verbose_name="charset",
            ),
        ),
        migrations.RunPython(mark_non_text, migrations.RunPython.noop),
    ]
