"""Stores business minutes (first response, resolution) on tickets answered or solved before the
columns existed: `manage.py backfill_business_minutes [--batch-size 1000]`. Safe to run again."""

from django.core.management.base import BaseCommand

from tickets.sla.elapsed import business_minutes_backfill


class Command(BaseCommand):
    help = "Stores the business minutes of first response and resolution on existing tickets, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1")
            return
        batches, updated = business_minutes_backfill(batch_size=batch_size)
        self.stdout.write(f"{updated} tickets in {batches} batches")
