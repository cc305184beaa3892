"""The activity types a new site starts with (admins rename, reorder or switch them off)."""

from django.db import migrations

DEFAULTS = [
    ("Investigation", "بررسی و عیب‌یابی"),
    ("Phone call", "تماس تلفنی"),
    ("Remote session", "جلسهٔ راه دور"),
    ("On-site visit and travel", "مراجعه و ایاب و ذهاب"),
    ("Configuration", "پیکربندی"),
]


def add_defaults(apps, schema_editor):
    ActivityType = apps.get_model("tickets", "ActivityType")
    for position, (name, name_fa) in enumerate(DEFAULTS, start=1):
        ActivityType.objects.get_or_create(name=name, defaults={"name_fa": name_fa, "position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0031_time_tracking")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
