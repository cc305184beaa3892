"""Open tickets follow their SLA terms when an admin changes them (customers.signals.sla_terms_changed).

A policy's targets or a calendar's hours, holidays or time zone changed: once the change commits, a
worker makes every open ticket under them due for a check now (`tickets.tasks.sla_terms_recheck`,
queued by `tickets.tasks.sla_terms_changed`), in
batches of short transactions, so the next SLA sweep (within a minute, in batches) recomputes their due
times, warnings, breaches and escalation from the ticket's whole history, as after any change.

Not in the admin's own transaction: marking 40,000 open tickets took 4 s at 100k tickets (every
SLA index is rewritten), and at a million it would hold every open ticket's row lock, and the
admin's request, for most of a minute. The hand-off is best effort (helpdesk.aftercommit): when the
broker cannot take it, a warning is logged and saving the policy or calendar again repeats it.
"""

from django.utils import timezone

from customers.models import SlaPolicy
from tickets.models import Ticket
from tickets.models.tickets import OPEN_STATUSES

BATCH = 1000


def policies_under(policy_ids=(), calendar_ids=()) -> list[int]:
    """These policies and the policies on these calendars."""
    policies = set(policy_ids)
    if calendar_ids:
        policies |= set(SlaPolicy.objects.filter(calendar_id__in=calendar_ids).values_list("pk", flat=True))
    return sorted(policies)


def open_tickets_recheck(policy_ids: list[int], *, batch: int = BATCH) -> int:
    """Make the open tickets under these policies due for a check now, `batch` rows per statement (each
    its own transaction, by id); returns how many."""
    now = timezone.now()
    under = Ticket.objects.filter(sla_policy_id__in=policy_ids, status__in=OPEN_STATUSES)
    done, last = 0, 0
    while ids := list(under.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]):
        done += Ticket.objects.filter(pk__in=ids).update(sla_next_check_at=now)
        last = ids[-1]
    return done
