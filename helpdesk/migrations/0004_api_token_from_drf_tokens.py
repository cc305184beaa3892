"""Keep the API keys already handed out working: DRF's tokens (one per user, stored in plain text in
`authtoken_token`, an app no longer installed) become hashed helpdesk.ApiToken rows named "API token",
expiring HELPDESK_API_TOKEN_DAYS after this migration (they never expired before), and the plain-text
keys are then deleted from the old table. The old table itself stays (its app's migrations own it)."""

import hashlib
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"


def _aware(value, default: datetime) -> datetime:
    """The old row's `created` as an aware datetime (SQLite may hand back a string or a naive UTC one)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return default
    return value.replace(tzinfo=UTC) if timezone.is_naive(value) else value


def copy_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("helpdesk", "ApiToken")
    now = timezone.now()
    days = settings.HELPDESK_API_TOKEN_DAYS
    table, key_column = schema_editor.quote_name(OLD_TABLE), schema_editor.quote_name("key")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key_column}, user_id, created FROM {table}")  # noqa: S608 (constant names)
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="API token",
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            created_at=_aware(created, now),
            expires_at=now + timedelta(days=days) if days else None,
        )
        for key, user_id, created in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a constant name)


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0003_api_token")]

    operations = [migrations.RunPython(copy_drf_tokens, migrations.RunPython.noop)]
