"""A trigger or timed rule that fails on a ticket: switched off, a `trigger_failed` event on the
ticket, the administrators mailed, exactly as a routing rule (tickets.routing.failures.rule_fail,
reused). The other triggers, and the sweep, go on."""

from django.db import transaction

from tickets.models import EventKind, Ticket, TimedRule, Trigger
from tickets.routing import failures

TEMPLATE = "automation_failed"


def automation_fail(*, rule: Trigger | TimedRule, reason: str, ticket_id: int) -> bool:
    """Switch `rule` off and report why (in a transaction of its own); whether this call switched it off."""
    with transaction.atomic():
        ticket = Ticket.objects.filter(pk=ticket_id).first()
        if ticket is None:
            return False
        return failures.rule_fail(
            rule_id=rule.pk,
            rule_name=rule.name,
            reason=reason,
            ticket=ticket,
            model=type(rule),
            kind=EventKind.TRIGGER_FAILED,
            template=TEMPLATE,
        )
