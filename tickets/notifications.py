"""The notification outbox: every outbound mail or webhook is a row first, then sent exactly once by a worker.

Rows are unique on `key` (what the mail is for), so a service that runs twice creates no second
mail; `notification_send` claims a row with a conditional UPDATE before sending, and the sweep
re-sends rows that a killed worker left unsent.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from customers.models import Contact
from helpdesk.mail import mail_render, recipient_locale
from helpdesk.models import User
from tickets import webhooks
from tickets.email import outbound
from tickets.models import Channel, Message, NotificationLog, Referral, Ticket

logger = logging.getLogger(__name__)
CUSTOMER_TEMPLATES = frozenset({"ticket_created", "agent_reply", "ticket_solved"})
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 8  # mail: a Celery retry every 30 s, then the sweep every 2 minutes
# Webhooks wait longer for the other side: 1, 2, 4 ... minutes apart, at most 6 hours, for about two days.
WEBHOOK_MAX_ATTEMPTS = 15
WEBHOOK_MAX_BACKOFF = timedelta(hours=6)


def webhook_backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed delivery of a webhook."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), WEBHOOK_MAX_BACKOFF)


def notification_queue(
    *, key: str, recipient: str, template: str, ticket: Ticket | None, context: dict
) -> NotificationLog | None:
    """Store one outbound mail (once per key) and send it after the transaction commits."""
    if not recipient:
        return None
    try:
        with transaction.atomic():
            row = NotificationLog.objects.create(
                key=key[:200],
                recipient=recipient,
                template=template,
                ticket=ticket,
                context=context,
                # Chosen once, before the first attempt: a retry sends the same id, and a reply
                # to it threads back (tickets.email.ingest looks it up).
                message_id=outbound.new_message_id(),
            )
    except IntegrityError:
        return None  # already queued: exactly once
    from tickets import tasks

    tasks.send_notification.delay_on_commit(row.pk)
    return row


def notifications_queue_many(*, items: list[dict], now: datetime) -> int:
    """`notification_queue` for many rows in one INSERT (the SLA sweep's batches, webhook deliveries).

    Each item has key, recipient, template, ticket and context; a webhook delivery also `webhook`
    (its endpoint). Keys already queued are skipped (exactly once); the new rows are sent after the
    transaction commits. Returns how many are new.
    """
    rows = [
        NotificationLog(
            kind=NotificationLog.Kind.WEBHOOK if item.get("webhook") else NotificationLog.Kind.EMAIL,
            key=item["key"][:200],
            recipient=item["recipient"][:320],
            template=item["template"],
            ticket=item["ticket"],
            context=item["context"],
            webhook=item.get("webhook"),
            message_id="" if item.get("webhook") else outbound.new_message_id(),
            created_at=now,
        )
        for item in items
        if item["recipient"]
    ]
    if not rows:
        return 0
    NotificationLog.objects.bulk_create(rows, ignore_conflicts=True)
    # The rows this call inserted carry its `now`; a key queued before keeps its older row.
    new_ids = list(
        NotificationLog.objects.filter(key__in=[row.key for row in rows], created_at=now).values_list("pk", flat=True)
    )
    from tickets import tasks

    for notification_id in new_ids:
        tasks.send_notification.delay_on_commit(notification_id)
    return len(new_ids)


def _requester_locale(ticket: Ticket) -> dict[str, str]:
    return recipient_locale(contact=ticket.requester)


def _ack_allowed(*, ticket: Ticket, recipient: str) -> bool:
    """Email tickets: at most HELPDESK_EMAIL_ACK_PER_HOUR acknowledgements per sender and hour,
    so a sender (or a loop no header revealed) cannot make us mail them without end."""
    if ticket.channel != Channel.EMAIL:
        return True
    limit = getattr(settings, "HELPDESK_EMAIL_ACK_PER_HOUR", 5)
    since = timezone.now() - timedelta(hours=1)
    sent = NotificationLog.objects.filter(recipient=recipient, created_at__gte=since, template="ticket_created").count()
    return sent < limit


def notify_ticket_created(*, ticket: Ticket, message: Message) -> None:
    recipient = ticket.requester_address
    if not _ack_allowed(ticket=ticket, recipient=recipient):
        logger.info("acknowledgement for #%s to %s skipped: hourly limit reached", ticket.pk, recipient)
        return
    context = _requester_locale(ticket)
    if not message.internal:  # a phone ticket opens with the agent's note: never offer it to a customer's mail
        context["message"] = message.pk
    notification_queue(
        key=f"ack:{ticket.pk}",
        recipient=recipient,
        template="ticket_created",
        ticket=ticket,
        context=context,
    )


def notify_agent_reply(*, ticket: Ticket, message: Message) -> None:
    """The reply to the requester and everyone copied, each in their own language: a copied address
    that is a known contact reads theirs, an unknown one the requester's (it is her conversation)."""
    requester = _requester_locale(ticket)
    cc_emails = [email.lower() for email in ticket.cc_emails or []]
    copied = (
        {contact.email: contact for contact in Contact.objects.select_related("user").filter(email__in=cc_emails)}
        if cc_emails
        else {}
    )
    for email in [ticket.requester_address, *ticket.cc_emails]:
        contact = copied.get(email.lower())
        notification_queue(
            key=f"reply:{message.pk}:{email.lower()}",
            recipient=email,
            template="agent_reply",
            ticket=ticket,
            context={**(recipient_locale(contact=contact) if contact else requester), "message": message.pk},
        )


def notify_solved(*, ticket: Ticket) -> None:
    stamp = int(ticket.solved_at.timestamp()) if ticket.solved_at else 0
    notification_queue(
        key=f"solved:{ticket.pk}:{stamp}",
        recipient=ticket.requester_address,
        template="ticket_solved",
        ticket=ticket,
        context=_requester_locale(ticket),
    )


def notify_assigned(*, ticket: Ticket, assignee: User, actor: User | None) -> None:
    if actor is not None and actor.pk == assignee.pk:
        return  # nobody needs a mail about taking a ticket themself
    notification_queue(
        key=f"assigned:{ticket.pk}:{assignee.pk}:{int(timezone.now().timestamp())}",
        recipient=assignee.email,
        template="ticket_assigned",
        ticket=ticket,
        context={**recipient_locale(user=assignee), "actor": str(actor) if actor else ""},
    )


def notify_referral(*, referral: Referral) -> None:
    """The receiving team's address (in the site's language), else each member in their own."""
    team = referral.to_team
    recipients: list[tuple[str, dict]] = (
        [(team.email, recipient_locale())]
        if team.email
        else [(member.email, recipient_locale(user=member)) for member in team.members.filter(is_active=True)]
    )
    for email, locale in recipients:
        notification_queue(
            key=f"referral:{referral.pk}:{email.lower()}",
            recipient=email,
            template="referral_created",
            ticket=referral.ticket,
            context={**locale, "referral": referral.pk},
        )


def notify_referral_answered(*, referral: Referral) -> None:
    ticket = referral.ticket
    agent = ticket.assignee or referral.requested_by
    if agent is None:
        return
    notification_queue(
        key=f"referral-answered:{referral.pk}",
        recipient=agent.email,
        template="referral_answered",
        ticket=ticket,
        context={**recipient_locale(user=agent), "referral": referral.pk},
    )


def _render(row: NotificationLog) -> EmailMultiAlternatives:
    """The mail of an outbox row, in the language and time zone stored with it for its recipient."""
    ticket = row.ticket
    context = dict(row.context)
    data = {
        "ticket": ticket,
        # mail to the customer ends with "reply to add to your request"; mail to staff does not
        "customer_facing": row.template in CUSTOMER_TEMPLATES,
        **{k: v for k, v in context.items() if k not in ("message", "referral", "language", "time_zone")},
    }
    if "message" in context:
        data["message"] = Message.objects.filter(pk=context["message"]).first()
    if "referral" in context:
        data["referral"] = (
            Referral.objects.select_related("to_team", "requested_by").filter(pk=context["referral"]).first()
        )
    rendered = mail_render(
        template=row.template,
        # rows queued before the language was stored: the site's
        language=context.get("language") or settings.LANGUAGE_CODE,
        time_zone=context.get("time_zone", ""),
        context=data,
    )
    if not row.message_id:  # a row queued before Message-IDs were stored
        row.message_id = outbound.new_message_id()
        NotificationLog.objects.filter(pk=row.pk, message_id="").update(message_id=row.message_id)
    return rendered.email(
        to=outbound.header_safe(row.recipient),
        subject=outbound.subject_with_tag(subject=rendered.subject, ticket=ticket),
        headers=outbound.outbound_headers(row=row),
    )


def notification_send(*, notification_id: int, now: datetime | None = None) -> bool:
    """Claim and send one outbox row; True when this call sent it. Safe to call twice."""
    now = now or timezone.now()
    stale = now - CLAIM_TIMEOUT
    claimed = (
        NotificationLog.objects.filter(pk=notification_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=now)
    )
    if not claimed:
        return False
    row = NotificationLog.objects.select_related("ticket", "ticket__requester", "webhook").get(pk=notification_id)
    dropped = ""  # why a row was finished without sending (a webhook deleted meanwhile)
    try:
        if row.kind == NotificationLog.Kind.WEBHOOK:
            dropped = webhooks.webhook_deliver(row)
        else:
            _render(row).send()
    except Exception as exc:  # SMTP, HTTP and template errors: keep the row, retry later, stay visible
        logger.warning("notification %s to %s failed: %s", row.key, row.recipient, exc)
        attempts = row.attempts + 1
        retry_at = now + webhook_backoff(attempts) if row.kind == NotificationLog.Kind.WEBHOOK else None
        NotificationLog.objects.filter(pk=row.pk).update(
            claimed_at=None, attempts=attempts, last_error=str(exc)[:2000], next_attempt_at=retry_at
        )
        raise
    NotificationLog.objects.filter(pk=row.pk).update(
        sent_at=timezone.now(), attempts=row.attempts + 1, last_error=dropped
    )
    return not dropped


def notifications_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Unsent rows nobody holds (never claimed, or claimed by a worker that died), whose backoff is over."""
    stale = now - CLAIM_TIMEOUT
    webhook = NotificationLog.Kind.WEBHOOK
    return list(
        NotificationLog.objects.filter(sent_at__isnull=True)
        .filter(
            Q(attempts__lt=MAX_ATTEMPTS) & ~Q(kind=webhook) | Q(kind=webhook, attempts__lt=WEBHOOK_MAX_ATTEMPTS),
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .filter(created_at__lte=now - timedelta(seconds=30))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
