"""Open tickets follow their SLA terms when an admin changes them (customers.signals.sla_terms_changed).

A policy's targets or a calendar's hours, holidays or time zone changed: every open ticket under them
is made due for a check now, in one UPDATE inside the admin's transaction, so the next SLA sweep
(within a minute, on a worker, in batches) recomputes their due times, warnings, breaches and
escalation from the ticket's whole history, as it does after any change. Nothing is lost when no
worker runs meanwhile: the tickets stay due until a sweep takes them.
"""

from django.utils import timezone

from customers.models import SlaPolicy
from tickets.models import Ticket
from tickets.models.tickets import OPEN_STATUSES


def sla_terms_changed(sender, *, policy_ids=(), calendar_ids=(), **kwargs) -> int:
    """Make the open tickets under these policies, or policies on these calendars, due for a check;
    returns how many."""
    policies = set(policy_ids)
    if calendar_ids:
        policies |= set(SlaPolicy.objects.filter(calendar_id__in=calendar_ids).values_list("pk", flat=True))
    if not policies:
        return 0
    return Ticket.objects.filter(sla_policy_id__in=policies, status__in=OPEN_STATUSES).update(
        sla_next_check_at=timezone.now()
    )
