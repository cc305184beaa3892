"""Apply the retention rules now, or with --dry-run only say what they would remove.

    manage.py retention --dry-run     # counts per rule, nothing changes
    manage.py retention               # what the nightly beat task does

The rules and their months are the HELPDESK_RETENTION_* settings (all off by default).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.privacy.retention import ANONYMISE, retention_run

RULES = {
    "closed_tickets": _("closed tickets"),
    "inbound_mail": _("raw inbound mail"),
    "outbox": _("sent mail and webhook deliveries"),
    "audit_history": _("audit history of configuration and customer records"),
}


class Command(BaseCommand):
    help = "Apply the retention rules (HELPDESK_RETENTION_*); --dry-run only counts what would go."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        results = retention_run(now=timezone.now(), dry_run=dry_run)
        if not results:
            self.stdout.write(_("No retention rule is switched on (HELPDESK_RETENTION_* settings)."))
            return
        for result in results:
            values = {
                "rule": RULES[result.rule],
                "months": result.months,
                "cutoff": result.cutoff.date().isoformat(),
                "count": result.count,
            }
            if dry_run:
                line = (
                    _("%(rule)s older than %(months)d months (before %(cutoff)s): %(count)d would be anonymised.")
                    if result.action == ANONYMISE
                    else _("%(rule)s older than %(months)d months (before %(cutoff)s): %(count)d would be deleted.")
                )
            else:
                line = (
                    _("%(rule)s older than %(months)d months (before %(cutoff)s): %(count)d anonymised.")
                    if result.action == ANONYMISE
                    else _("%(rule)s older than %(months)d months (before %(cutoff)s): %(count)d deleted.")
                )
            self.stdout.write(line % values)
