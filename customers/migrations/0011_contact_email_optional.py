"""A contact may have no email address (a caller known by phone only): the address becomes NULL-able.

NULL, not "": the unique index on lower(email) holds any number of NULLs and keeps serving every
lookup by address; a partial unique index over non-empty addresses would not be used by
`lower(email) = ...` unless every query repeated its condition.
"""

from django.db import migrations, models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

PLACEHOLDER_DOMAIN = "no-email.invalid"  # going back: contact-<id>@no-email.invalid, read as none again


def blank_to_null(apps, schema_editor):
    # "" was never written by the services, but a row may have come in another way.
    for model_name in ("Contact", "HistoricalContact"):
        model = apps.get_model("customers", model_name)
        model.objects.filter(email="").update(email=None)
        model.objects.filter(email__endswith=f"@{PLACEHOLDER_DOMAIN}").update(email=None)


def null_to_placeholder(apps, schema_editor):
    """Going back to a required address: each contact without one gets an address nobody receives."""
    for model_name in ("Contact", "HistoricalContact"):
        model = apps.get_model("customers", model_name)
        placeholder = Concat(Value("contact-"), Cast("id", CharField()), Value(f"@{PLACEHOLDER_DOMAIN}"))
        model.objects.filter(email__isnull=True).update(email=placeholder)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0010_history_hours_bank"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="email",
            field=models.EmailField(blank=True, max_length=254, null=True, unique=True, verbose_name="email address"),
        ),
        migrations.AlterField(
            model_name="historicalcontact",
            name="email",
            field=models.EmailField(blank=True, db_index=True, max_length=254, null=True, verbose_name="email address"),
        ),
        # Listed after the fields so that, going back, it runs before they are required again.
        migrations.RunPython(blank_to_null, null_to_placeholder),
    ]
