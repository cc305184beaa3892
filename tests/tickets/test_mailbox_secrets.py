"""Mailbox passwords are encrypted at rest (helpdesk.crypto): storage, admin, migration, rotation."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from helpdesk import crypto
from tickets.models import Mailbox

pytestmark = pytest.mark.django_db


def _mailbox(name="Support", password="", **extra) -> Mailbox:
    return Mailbox.objects.create(
        name=name, address=f"{name.lower()}@helpdesk.test", imap_host="127.0.0.1", imap_password=password, **extra
    )


def test_a_secret_round_trips_and_is_not_stored_in_clear():
    stored = crypto.encrypt("hunter2 پسورد")
    assert stored.startswith(crypto.PREFIX) and "hunter2" not in stored
    assert crypto.decrypt(stored) == "hunter2 پسورد"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""
    assert crypto.encrypt("same") != crypto.encrypt("same")  # a fresh IV each time


@pytest.mark.parametrize(
    "stored",
    ["hunter2", crypto.PREFIX + "not-a-token", crypto.PREFIX + "gAAAAA" + "x" * 80],
    ids=["plain text", "garbage", "tampered"],
)
def test_what_no_key_opens_is_refused_with_a_clear_error(stored):
    with pytest.raises(crypto.SecretUnavailable, match="enter it again"):
        crypto.decrypt(stored)


def test_a_value_tampered_with_is_refused():
    stored = crypto.encrypt("hunter2")
    flipped = stored[:-5] + ("A" if stored[-5] != "A" else "B") + stored[-4:]
    with pytest.raises(crypto.SecretUnavailable):
        crypto.decrypt(flipped)


def test_keys_come_from_the_setting_else_the_secret_key_and_its_fallbacks(settings):
    settings.HELPDESK_ENCRYPTION_KEYS = []
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "old secret key", []
    by_old_secret = crypto.encrypt("hunter2")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new secret key", ["old secret key"]
    assert crypto.decrypt(by_old_secret) == "hunter2"  # a rotated secret key keeps it readable
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(crypto.SecretUnavailable):
        crypto.decrypt(by_old_secret)
    settings.HELPDESK_ENCRYPTION_KEYS = ["a passphrase of its own"]
    own = crypto.encrypt("hunter2")
    settings.SECRET_KEY = "yet another secret key"
    assert crypto.decrypt(own) == "hunter2"  # independent of the secret key once set


def test_the_model_stores_ciphertext_and_gives_the_password_back():
    mailbox = _mailbox()
    mailbox.set_imap_password("hunter2")
    mailbox.save()
    stored = Mailbox.objects.values_list("imap_password", flat=True).get(pk=mailbox.pk)
    assert "hunter2" not in stored
    assert Mailbox.objects.get(pk=mailbox.pk).get_imap_password() == "hunter2"


def test_the_admin_encrypts_a_new_password_keeps_the_old_one_and_never_shows_it(client, admin_user):
    client.force_login(admin_user)
    mailbox = _mailbox(password=crypto.encrypt("first password"))
    url = f"/admin/tickets/mailbox/{mailbox.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"first password" not in page.content and mailbox.imap_password.encode() not in page.content
    form = {
        "name": "Support",
        "address": "support@helpdesk.test",
        "team": "",
        "is_active": "on",
        "imap_host": "imap.example.com",
        "imap_port": "993",
        "imap_security": "ssl",
        "imap_username": "support",
        "imap_password": "",
        "imap_folder": "INBOX",
        "processed_folder": "",
    }
    assert client.post(url, form).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.imap_host == "imap.example.com" and mailbox.get_imap_password() == "first password"
    assert client.post(url, {**form, "imap_password": "second password"}).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.get_imap_password() == "second password"
    assert "second password" not in mailbox.imap_password


def test_the_migration_encrypts_passwords_stored_in_clear_and_back():
    migration = importlib.import_module("tickets.migrations.0009_mailbox_password_encrypted")
    legacy = _mailbox(name="Legacy", password="kept in clear")
    already = _mailbox(name="Already", password=crypto.encrypt("already encrypted"))
    empty = _mailbox(name="Empty")
    migration.encrypt_passwords(apps, None)
    for mailbox, expected in [(legacy, "kept in clear"), (already, "already encrypted"), (empty, "")]:
        mailbox.refresh_from_db()
        assert mailbox.get_imap_password() == expected
    assert crypto.is_encrypted(Mailbox.objects.get(pk=legacy.pk).imap_password)
    migration.decrypt_passwords(apps, None)
    assert Mailbox.objects.get(pk=legacy.pk).imap_password == "kept in clear"


def test_reencrypt_secrets_moves_every_password_to_the_new_key(settings):
    settings.HELPDESK_ENCRYPTION_KEYS = ["old passphrase"]
    one, two = (
        _mailbox(name="One", password=crypto.encrypt("one")),
        _mailbox(name="Two", password=crypto.encrypt("two")),
    )
    _mailbox(name="Empty")
    settings.HELPDESK_ENCRYPTION_KEYS = ["new passphrase", "old passphrase"]
    call_command("reencrypt_secrets")
    settings.HELPDESK_ENCRYPTION_KEYS = ["new passphrase"]  # the old one is gone now
    assert [Mailbox.objects.get(pk=m.pk).get_imap_password() for m in (one, two)] == ["one", "two"]


def test_reencrypt_secrets_names_what_it_cannot_open_and_fails(settings):
    settings.HELPDESK_ENCRYPTION_KEYS = ["lost passphrase"]
    lost = _mailbox(name="Lost", password=crypto.encrypt("lost"))
    settings.HELPDESK_ENCRYPTION_KEYS = ["new passphrase"]
    fine = _mailbox(name="Fine", password=crypto.encrypt("fine"))
    before = Mailbox.objects.get(pk=lost.pk).imap_password
    with pytest.raises(CommandError, match=f"Lost \\(#{lost.pk}\\)"):
        call_command("reencrypt_secrets")
    assert Mailbox.objects.get(pk=lost.pk).imap_password == before  # left as it was
    assert Mailbox.objects.get(pk=fine.pk).get_imap_password() == "fine"
