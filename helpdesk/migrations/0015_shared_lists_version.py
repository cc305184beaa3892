"""The version of the shared lists (helpdesk.shared_lists): its row, the trigger function and the
triggers on this app's tables those lists read (users, teams, team memberships)."""

import random

from django.db import migrations, models

from helpdesk import shared_lists

TABLES = ["helpdesk_user", "helpdesk_team", "helpdesk_user_teams"]


def first_version(apps, schema_editor) -> None:
    version = apps.get_model("helpdesk", "SharedListsVersion")
    version.objects.using(schema_editor.connection.alias).update_or_create(
        pk=1,
        defaults={"value": random.randint(1, 2**53)},  # noqa: S311 (a version, not a secret)
    )


def create_function(apps, schema_editor) -> None:
    for statement in shared_lists.create_function_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_function(apps, schema_editor) -> None:
    for statement in shared_lists.drop_function_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0014_api_token_list_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SharedListsVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(verbose_name="version")),
            ],
            options={
                "verbose_name": "version of the shared lists",
                "verbose_name_plural": "versions of the shared lists",
            },
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
        migrations.RunPython(create_function, drop_function),
        shared_lists.triggers_operation(TABLES),
    ]
