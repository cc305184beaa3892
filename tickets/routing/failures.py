"""A routing rule that fails on a ticket: switched off, recorded on the ticket, reported to the admins.

Rules are validated when saved (tickets.routing.rules), so this is for what changes afterwards: a
team or an agent the rule names is deactivated, stored conditions the code no longer reads. The
ticket is created all the same and the other rules still run.
"""

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from helpdesk.audit.services import history_record_rows
from helpdesk.mail import recipient_locale
from helpdesk.models import Role, User
from helpdesk.outbox import queue
from helpdesk.outbox.registry import MailPlan
from tickets import events
from tickets.models import EventKind, RoutingRule, Ticket

logger = logging.getLogger(__name__)

FAILED_TEMPLATE = "routing_rule_failed"


def rule_fail(*, rule_id: int, rule_name: str, reason: str, ticket: Ticket) -> bool:
    """Switch the rule off (once: a conditional UPDATE), record a `routing_failed` event on the ticket
    and mail every active administrator. Returns whether this call switched it off."""
    now = timezone.now()
    reason = reason[:255]
    logger.error("Routing rule %s (%s) failed on ticket #%s: %s", rule_id, rule_name, ticket.pk, reason)
    switched = bool(
        RoutingRule.objects.filter(pk=rule_id, is_active=True).update(
            is_active=False, disabled_reason=reason, disabled_at=now, updated_at=now
        )
    )
    if switched:
        history_record_rows(model=RoutingRule, pks=[rule_id])  # switched off by the system, in the audit log
    events.event_record(
        ticket=ticket,
        kind=EventKind.ROUTING_FAILED,
        actor=None,
        data={"rule": rule_id, "rule_name": rule_name, "reason": reason},
        at=now,
    )
    if switched:
        for admin in User.objects.filter(is_active=True, role=Role.ADMIN).exclude(email=""):
            queue.notification_queue(
                key=f"{FAILED_TEMPLATE}:{rule_id}:{int(now.timestamp())}:{admin.email.lower()}",
                recipient=admin.email,
                template=FAILED_TEMPLATE,
                context={
                    **recipient_locale(user=admin),
                    "rule": rule_id,
                    "rule_name": rule_name,
                    "reason": reason,
                    "ticket_id": ticket.pk,
                },
            )
    return switched


def failed_mail(row) -> MailPlan:
    """The admins' mail about a rule the helpdesk switched off (outbox mail builder)."""
    context = dict(row.context)
    admin_url = reverse("admin:tickets_routingrule_change", args=[context.get("rule", 0)])
    return MailPlan(
        context={**context, "admin_url": admin_url},
        language=context.get("language") or settings.LANGUAGE_CODE,
        time_zone=context.get("time_zone", ""),
        headers={"Auto-Submitted": "auto-generated"},
    )
