"""A routing rule that fails on a ticket: switched off, recorded on the ticket, reported to the admins.

Rules are validated when saved (tickets.routing.rules), so this is for what changes afterwards: a
team or an agent the rule names is deactivated, stored conditions the code no longer reads. The
ticket is created all the same and the other rules still run.
"""

import logging

from django.conf import settings
from django.db import models
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


def rule_fail(
    *,
    rule_id: int,
    rule_name: str,
    reason: str,
    ticket: Ticket,
    model: type[models.Model] = RoutingRule,
    kind: str = EventKind.ROUTING_FAILED,
    template: str = FAILED_TEMPLATE,
) -> bool:
    """Switch the rule off (once: a conditional UPDATE), record a `routing_failed` event on the ticket
    and mail every active administrator. Returns whether this call switched it off.

    Triggers and timed rules (tickets.triggers) fail the same way: `model` is their model, `kind` their
    event and `template` their mail.
    """
    now = timezone.now()
    reason = reason[:255]
    label = model._meta.model_name
    logger.error("%s %s (%s) failed on ticket #%s: %s", label, rule_id, rule_name, ticket.pk, reason)
    switched = bool(
        model._default_manager.filter(pk=rule_id, is_active=True).update(
            is_active=False, disabled_reason=reason, disabled_at=now, updated_at=now
        )
    )
    data = {"rule": rule_id, "rule_name": rule_name, "reason": reason}
    if model is not RoutingRule:
        data["rule_kind"] = label
    if switched:
        history_record_rows(model=model, pks=[rule_id])  # switched off by the system, in the audit log
    events.event_record(ticket=ticket, kind=kind, actor=None, data=data, at=now)
    if switched:
        admin_view = f"admin:tickets_{label}_change"
        for admin in User.objects.filter(is_active=True, role=Role.ADMIN).exclude(email=""):
            queue.notification_queue(
                key=f"{template}:{label}:{rule_id}:{int(now.timestamp())}:{admin.email.lower()}",
                recipient=admin.email,
                template=template,
                context={**recipient_locale(user=admin), **data, "ticket_id": ticket.pk, "admin_view": admin_view},
            )
    return switched


def failed_mail(row) -> MailPlan:
    """The admins' mail about a rule (or trigger, timed rule) the helpdesk switched off (outbox mail builder)."""
    context = dict(row.context)
    admin_view = context.get("admin_view", "admin:tickets_routingrule_change")
    admin_url = reverse(admin_view, args=[context.get("rule", 0)])
    return MailPlan(
        context={**context, "admin_url": admin_url},
        language=context.get("language") or settings.LANGUAGE_CODE,
        time_zone=context.get("time_zone", ""),
        headers={"Auto-Submitted": "auto-generated"},
    )
