"""Read one raw message from stdin and ingest it (for a mail server's pipe transport).

    postfix master.cf:  helpdesk unix - n n - - pipe user=helpdesk argv=/app/.venv/bin/python
                        /app/manage.py ingest_email --mailbox 1

Exits 0 once the message is stored, even when it was quarantined (it is kept for a human).
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tickets.email.ingest import email_ingest
from tickets.models import Mailbox


class Command(BaseCommand):
    help = "Ingest one raw RFC 822 message read from standard input."

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", type=int, default=None, help="id of the Mailbox the message was sent to")

    def handle(self, *args, mailbox=None, **options):
        box = None
        if mailbox is not None:
            box = Mailbox.objects.filter(pk=mailbox).first()
            if box is None:
                raise CommandError(_("There is no mailbox with id %(id)s.") % {"id": mailbox})
        raw = sys.stdin.buffer.read()
        if not raw:
            raise CommandError(_("No message on standard input."))
        inbound = email_ingest(raw=raw, mailbox=box)
        ticket = f"#{inbound.ticket_id}" if inbound.ticket_id else "-"
        self.stdout.write(f"inbound {inbound.pk}: {inbound.status} ticket {ticket} {inbound.reason}".rstrip())
