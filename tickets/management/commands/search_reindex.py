"""Rebuilds the search words of every ticket (tickets.search.index.tickets_reindex), in batches by id:
`manage.py search_reindex [--after ID] [--batch-size 2000]`. Safe to run again, and while the helpdesk
runs (search keeps working on the rows not yet rebuilt). Migration 0047 runs the same rebuild."""

from django.core.management.base import BaseCommand
from django.db import connection

from tickets.models import Message, Ticket
from tickets.search import tickets_reindex


class Command(BaseCommand):
    help = "Rebuilds the search words of every ticket, in batches by id."

    def add_arguments(self, parser):
        parser.add_argument("--after", type=int, default=0, help="Only tickets with a larger id (to resume).")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, after: int, batch_size: int, **options):
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1")
            return
        done = tickets_reindex(
            ticket_model=Ticket, message_model=Message, connection=connection, after=after, batch=batch_size
        )
        self.stdout.write(f"{done} tickets reindexed")
