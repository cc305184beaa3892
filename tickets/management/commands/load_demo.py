from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from customers import demo as customers_demo
from helpdesk import demo as core_demo
from knowledgebase import demo as kb_demo
from tickets import demo as tickets_demo
from tickets.feedback import demo as feedback_demo
from tickets.problems import demo as problems_demo
from tickets.routing import demo as routing_demo
from tickets.statuses import demo as statuses_demo
from tickets.triggers import demo as triggers_demo

LOGINS = [
    ("admin@example.com", "administrator"),
    ("agent@example.com", "agent, first line (English)"),
    ("reza@example.com", "agent, first and second line (Persian)"),
    ("dev@example.com", "agent, development"),
    ("billing@example.com", "agent, billing and sales (Persian)"),
    ("customer@example.com", "customer of Acme (English)"),
    ("other@example.net", "customer of Globex (English)"),
    ("sara@parsian.example.org", "customer of Parsian Tejarat (Persian)"),
]


class Command(BaseCommand):
    help = "Load demo data (teams, agents, customers, contracts, tickets). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DJANGO_DEBUG off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo accounts with DJANGO_DEBUG off (a production site would get known "
                "passwords). Pass --force if this really is a demo site."
            )
        with transaction.atomic():
            core_demo.load()
            customers_demo.load()
            kb_demo.load()
            created = tickets_demo.load()
            feedback_demo.load()
            problems_demo.load()
            routing_demo.load()  # its rules name the demo categories
            statuses_demo.load()
        # After the demo tickets committed: their events have run what triggers there were (none),
        # and the demo triggers act on new activity only.
        triggers_demo.load()
        if created:
            self.stdout.write(f"Created {created} demo tickets.")
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Logins (password: demo):"))
        for email, role in LOGINS:
            self.stdout.write(f"  {email:<24} {role}")
