"""Mailbox passwords move from plain text to Fernet (helpdesk.crypto); reversible."""

from django.db import migrations, models

from helpdesk import crypto


def encrypt_passwords(apps, schema_editor):
    Mailbox = apps.get_model("tickets", "Mailbox")
    for mailbox in Mailbox.objects.exclude(imap_password="").only("pk", "imap_password"):
        if not crypto.is_encrypted(mailbox.imap_password):
            Mailbox.objects.filter(pk=mailbox.pk).update(imap_password=crypto.encrypt(mailbox.imap_password))


def decrypt_passwords(apps, schema_editor):
    Mailbox = apps.get_model("tickets", "Mailbox")
    for mailbox in Mailbox.objects.exclude(imap_password="").only("pk", "imap_password"):
        if crypto.is_encrypted(mailbox.imap_password):
            Mailbox.objects.filter(pk=mailbox.pk).update(imap_password=crypto.decrypt(mailbox.imap_password))


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0008_deflection"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mailbox",
            name="imap_password",
            field=models.TextField(blank=True, default="", verbose_name="IMAP password (encrypted)"),
        ),
        migrations.RunPython(encrypt_passwords, decrypt_passwords),
    ]
