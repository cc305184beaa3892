"""Encrypt every stored secret (mailbox passwords) again under the first key, after a key rotation.

    HELPDESK_ENCRYPTION_KEYS=new,old manage.py reencrypt_secrets   # then drop `old`

Secrets that no configured key opens are named and left as they are; the command then fails, so a
rotation script stops before the old key is thrown away.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from helpdesk import crypto
from tickets.models import Mailbox


class Command(BaseCommand):
    help = "Encrypt stored secrets (mailbox passwords) again under the first encryption key."

    def handle(self, *args, **options):
        done, failed = 0, []
        for mailbox in Mailbox.objects.exclude(imap_password="").only("pk", "name", "imap_password").order_by("pk"):
            try:
                stored = crypto.reencrypt(mailbox.imap_password)
            except crypto.SecretUnavailable:
                failed.append(mailbox)
                continue
            Mailbox.objects.filter(pk=mailbox.pk).update(imap_password=stored)
            done += 1
        self.stdout.write(_("Mailbox passwords encrypted again: %(count)d.") % {"count": done})
        if failed:
            names = ", ".join(f"{mailbox.name} (#{mailbox.pk})" for mailbox in failed)
            raise CommandError(
                _("No configured key opens the password of: %(names)s. Enter those passwords again in the admin.")
                % {"names": names}
            )
