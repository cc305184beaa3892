"""Secrets never land in the history: a mailbox's passwords, a webhook's secret, a token's hash and a
password hash are neither columns of the history tables nor values in any of their rows."""

import hashlib

import pytest
from django.db import connection

from helpdesk import services
from helpdesk.audit.log import audited_models, history_model
from helpdesk.models import User
from helpdesk.outbox import webhooks
from tickets.models import Mailbox

pytestmark = pytest.mark.django_db

IMAP_PASSWORD = "imap-Pa55word-XYZ"
USER_PASSWORD = "a-long unusual passphrase 42"


def _history_rows_text() -> str:
    texts = []
    with connection.cursor() as cursor:
        for model in audited_models():
            table = history_model(model)._meta.db_table
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the models)
            texts.extend(" | ".join(str(v) for v in row if v is not None) for row in cursor.fetchall())
    return "\n".join(texts)


def test_no_secret_is_a_column_of_a_history_table():
    secret_columns = {
        "helpdesk.user": "password",
        "helpdesk.apitoken": "key_hash",
        "helpdesk.webhookendpoint": "secret",
        "tickets.mailbox": "imap_password",
    }
    models = {m._meta.label_lower: m for m in audited_models()}
    for label, column in secret_columns.items():
        names = {f.attname for f in history_model(models[label])._meta.fields}
        assert column not in names, label
    assert "push_secret" not in {f.attname for f in history_model(Mailbox)._meta.fields}


def test_no_secret_value_is_in_any_history_row(admin_user, team):
    mailbox = Mailbox(name="Support", address="support@example.test", team=team, imap_username="support")
    mailbox.set_imap_password(IMAP_PASSWORD)
    mailbox.save()
    mailbox.set_imap_password(IMAP_PASSWORD + "2")
    mailbox.save(update_fields=["imap_password"])
    endpoint, secret = webhooks.webhook_create(actor=admin_user, name="CRM", url="https://crm.example.test/hook")
    new_secret = webhooks.webhook_rotate_secret(endpoint=endpoint)
    _token, key = services.api_token_create(user=admin_user, name="script")
    services.user_set_password(user=admin_user, password=USER_PASSWORD)
    admin_user.refresh_from_db()

    text = _history_rows_text()
    assert "Support" in text and "CRM" in text and "script" in text  # the rows are there
    for value in (
        IMAP_PASSWORD,
        mailbox.imap_password,  # its encryption
        mailbox.push_secret,
        secret,
        new_secret if isinstance(new_secret, str) else "",
        endpoint.secret if endpoint.secret else "",
        key,
        hashlib.sha256(key.encode()).hexdigest(),
        admin_user.password,
        USER_PASSWORD,
    ):
        if value:
            assert value not in text


def test_a_changed_secret_is_recorded_by_name_only(admin_user, team):
    mailbox = Mailbox.objects.create(name="Support", address="support@example.test", team=team)
    mailbox.set_imap_password(IMAP_PASSWORD)
    mailbox.save(update_fields=["imap_password"])
    row = Mailbox.history.filter(id=mailbox.pk).order_by("-history_id").first()
    assert row.history_change_reason.endswith("changed: imap_password")
    assert User.history.model._meta.get_field("email")  # the tracked columns stay
