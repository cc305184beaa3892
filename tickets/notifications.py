"""Which mails a ticket event causes, and how the outbox writes them.

The `notify_*` functions decide who is told what about a ticket and queue one outbox row each
(helpdesk.outbox: a row first, unique on its key, sent exactly once by a worker, retried and swept).
`ticket_mail` is the outbox's mail builder for every ticket template (registered in tickets.apps):
it loads the ticket, message or referral the row names when the mail is sent, and adds the ticket
tag to the subject and the threading headers (tickets.email.outbound).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact
from helpdesk.mail import recipient_locale
from helpdesk.models import NotificationLog, User
from helpdesk.outbox import queue
from helpdesk.outbox.registry import MailDropped, MailPlan
from tickets.alerts.mentions import mentioned_agents
from tickets.alerts.services import Mail, alert_url, notify
from tickets.email import outbound
from tickets.email.auto_mail import auto_mail_refusal
from tickets.email.refused import refused_context
from tickets.email.reply_files import reply_files
from tickets.models import Channel, Message, NotificationKind, RatingFollowUp, Referral, Ticket
from tickets.satisfaction import surveys

logger = logging.getLogger(__name__)
CUSTOMER_TEMPLATES = frozenset(
    {"ticket_created", "agent_reply", "ticket_solved", "satisfaction_survey", "files_refused"}
)
# Every template of mail about a ticket (templates/emails/<name>.*): ticket_mail writes them all.
TICKET_TEMPLATES = CUSTOMER_TEMPLATES | {
    "ticket_assigned",
    "referral_created",
    "referral_answered",
    "referral_reminder",
    "referral_overdue",
    "sla_warning",
    "sla_breached",
    "sla_escalated",
    "rating_follow_up",
    "feedback_outcome",
}

# Customer mail that carries an agent's message: its public files go with it (tickets.email.reply_files);
# so does the acknowledgement of a ticket an agent opened (its row's context says `agent_files`).
FILE_TEMPLATES = frozenset({"agent_reply"})
# What the email channel writes on its own to a sender, counted together against HELPDESK_EMAIL_ACK_PER_HOUR.
RATE_LIMITED_TEMPLATES = ("ticket_created", "files_refused")


def notification_queue(
    *, key: str, recipient: str, template: str, ticket: Ticket | None, context: dict
) -> NotificationLog | None:
    """Queue one mail about `ticket` in the outbox (once per key; see helpdesk.outbox.queue)."""
    return queue.notification_queue(
        key=key, recipient=recipient, template=template, context=context, ticket_id=ticket.pk if ticket else None
    )


def _requester_locale(ticket: Ticket) -> dict[str, str]:
    return recipient_locale(contact=ticket.requester)


def auto_reply_allowed(*, recipient: str) -> bool:
    """At most HELPDESK_EMAIL_ACK_PER_HOUR mails of the email channel's own (acknowledgements, notices of
    files not accepted) to one address an hour, so a sender (or a loop no header revealed) cannot make us
    mail them without end. Reads notification_recipient_idx."""
    limit = getattr(settings, "HELPDESK_EMAIL_ACK_PER_HOUR", 5)
    since = timezone.now() - timedelta(hours=1)
    sent = NotificationLog.objects.filter(
        recipient=recipient, created_at__gte=since, template__in=RATE_LIMITED_TEMPLATES
    ).count()
    return sent < limit


def _ack_allowed(*, ticket: Ticket, recipient: str) -> bool:
    """Email tickets are acknowledged within the hourly limit (auto_reply_allowed); others always."""
    return ticket.channel != Channel.EMAIL or auto_reply_allowed(recipient=recipient)


def notify_ticket_created(*, ticket: Ticket, message: Message) -> None:
    """The acknowledgement to the requester, on every channel; never where the helpdesk may not write on
    its own (tickets.email.auto_mail: our own mailboxes, the From address, a mail system's or a staff
    account's address, or none)."""
    recipient = ticket.requester_address
    if why_not := auto_mail_refusal(recipient=recipient):
        logger.info("acknowledgement for #%s to %s skipped: %s", ticket.pk, recipient or "?", why_not)
        return
    if not _ack_allowed(ticket=ticket, recipient=recipient):
        logger.info("acknowledgement for #%s to %s skipped: hourly limit reached", ticket.pk, recipient)
        return
    context = _requester_locale(ticket)
    if not message.internal:  # a phone ticket opens with the agent's note: never offer it to a customer's mail
        context["message"] = message.pk
        if message.author_user is not None and message.author_user.is_agent:
            context["agent_files"] = True  # an agent wrote it for the customer: its files go with the mail
    notification_queue(
        key=f"ack:{ticket.pk}",
        recipient=recipient,
        template="ticket_created",
        ticket=ticket,
        context=context,
    )


def ack_add_refused(*, ticket: Ticket, recipient: str, files: list[dict]) -> bool:
    """Name the mail's files not accepted (tickets.email.refused) in the acknowledgement of the ticket it
    opened, queued in this same transaction and so not yet taken by a worker. False when there is no such
    acknowledgement (an hourly limit, another recipient, or one already on its way)."""
    ack = NotificationLog.objects.filter(
        key=f"ack:{ticket.pk}", recipient=recipient, sent_at__isnull=True, claimed_at__isnull=True, attempts=0
    ).first()
    if ack is None:
        return False
    ack.context = {**ack.context, "refused": files}
    ack.save(update_fields=["context"])
    return True


def notify_files_refused(
    *, ticket: Ticket, message: Message, recipient: str, contact: Contact, files: list[dict]
) -> NotificationLog | None:
    """One mail to the sender of `message` naming its `files` that were not accepted and why, in the
    sender's language, threaded on the ticket. The caller decides whether they may be mailed
    (tickets.email.refusal_notice)."""
    return notification_queue(
        key=f"refused:{message.pk}",
        recipient=recipient,
        template="files_refused",
        ticket=ticket,
        context={**recipient_locale(contact=contact), "refused": files, "name": contact.full_name or recipient},
    )


def notify_agent_reply(*, ticket: Ticket, message: Message, solved: bool = False) -> None:
    """The reply to the requester and everyone copied, each in their own language: a copied address
    that is a known contact reads theirs, an unknown one the requester's (it is her conversation).
    `solved`: the reply solved the ticket, and says so in the same mail (with the requester's rating links
    where the solved mail carries them), so the customer gets one mail, not a reply and a solved mail."""
    requester = _requester_locale(ticket)
    cc_emails = [email.lower() for email in ticket.cc_emails or []]
    copied = (
        {contact.email: contact for contact in Contact.objects.select_related("user").filter(email__in=cc_emails)}
        if cc_emails
        else {}
    )
    for n, email in enumerate([ticket.requester_address, *ticket.cc_emails]):
        contact = copied.get(email.lower())
        context = {**(recipient_locale(contact=contact) if contact else requester), "message": message.pk}
        if solved:
            context.update(solved=True, copied=n > 0)  # the rating is the requester's to give
        notification_queue(
            key=f"reply:{message.pk}:{email.lower()}",
            recipient=email,
            template="agent_reply",
            ticket=ticket,
            context=context,
        )


def notify_solved(*, ticket: Ticket, actor: User | None) -> None:
    """The requester hears that the ticket is solved: "you marked" when she did it herself (the portal's
    "my problem is solved", the API), "we marked" when anyone else did."""
    stamp = int(ticket.solved_at.timestamp()) if ticket.solved_at else 0
    context = _requester_locale(ticket)
    if actor is not None and actor.pk is not None and ticket.requester.user_id == actor.pk:
        context["by_requester"] = True
    notification_queue(
        key=f"solved:{ticket.pk}:{stamp}",
        recipient=ticket.requester_address,
        template="ticket_solved",
        ticket=ticket,
        context=context,
    )


def notify_assigned(*, ticket: Ticket, assignee: User, actor: User | None) -> None:
    """The new assignee (not when they took it themself), in the app and/or by mail as they chose."""
    notify(
        kind=NotificationKind.ASSIGNED,
        recipients=[assignee],
        ticket=ticket,
        actor=actor,
        mail=Mail(
            template="ticket_assigned",
            key=f"assigned:{ticket.pk}:{assignee.pk}:{int(timezone.now().timestamp())}",
            context={"actor": str(actor) if actor else ""},
        ),
    )


def _team_params(team) -> dict:
    return {"team": team.name, "team_fa": team.name_fa}


def notify_referral(*, referral: Referral) -> None:
    """The receiving team's members; by mail the team's address (in the site's language), else each
    member in their own."""
    notify(
        kind=NotificationKind.REFERRAL,
        team=referral.to_team,
        ticket=referral.ticket,
        referral=referral,
        actor=referral.requested_by,
        params=_team_params(referral.to_team),
        mail=Mail(template="referral_created", key=f"referral:{referral.pk}", context={"referral": referral.pk}),
    )


def notify_referral_answered(*, referral: Referral) -> None:
    """The ticket's assignee, else the agent who referred it."""
    ticket = referral.ticket
    agent = ticket.assignee or referral.requested_by
    if agent is None:
        return
    notify(
        kind=NotificationKind.REFERRAL_ANSWERED,
        recipients=[agent],
        ticket=ticket,
        referral=referral,
        actor=referral.answered_by,
        params=_team_params(referral.to_team),
        mail=Mail(
            template="referral_answered", key=f"referral-answered:{referral.pk}", context={"referral": referral.pk}
        ),
    )


def notify_team_ticket(*, ticket: Ticket, actor: User | None) -> None:
    """A new ticket nobody owns yet: its team's members (in the app by default; no mail today)."""
    if ticket.assignee_id is None and ticket.team_id is not None:
        notify(kind=NotificationKind.TEAM_TICKET, team=ticket.team, ticket=ticket, actor=actor)


def notify_customer_reply(*, ticket: Ticket, message: Message) -> None:
    """The assignee hears that the customer wrote (in the app by default)."""
    if ticket.assignee_id is not None:
        notify(
            kind=NotificationKind.CUSTOMER_REPLY,
            recipients=[ticket.assignee],
            ticket=ticket,
            url=alert_url(ticket=ticket, anchor=f"message-{message.pk}"),
        )


def notify_mentions(*, ticket: Ticket, message: Message, actor: User | None) -> None:
    """The agents an internal note mentions (tickets.alerts.mentions: @sara or @Sara_Jones)."""
    agents = mentioned_agents(message.body_text)
    if agents:
        notify(
            kind=NotificationKind.MENTION,
            recipients=agents,
            ticket=ticket,
            actor=actor,
            url=alert_url(ticket=ticket, anchor=f"message-{message.pk}"),
        )


def _warning_is_stale(*, ticket: Ticket, context: dict) -> bool:
    """Whether an "SLA due soon" warning says nothing true any more: the clock it warns about was met
    (answered, solved), stopped or moved to another due time, or its due time has come (the
    breach mail says the rest)."""
    target, due = context.get("target", ""), context.get("due", "")
    if target not in ("first_response", "next_response", "resolution") or not due:
        return False
    due_at = datetime.fromisoformat(due)
    return not ticket.is_open or getattr(ticket, f"{target}_due_at") != due_at or timezone.now() >= due_at


def notify_feedback_outcome(
    *, ticket: Ticket, link_id: int, status: str, text: str, told_at: datetime
) -> NotificationLog | None:
    """A feedback item's outcome (`text`, written in the requester's language) mailed to the requester of a
    closed ticket, which takes no message: once per link, outcome and claim (`told_at`, the link's
    notified_at). None when the requester has no address."""
    return notification_queue(
        key=f"feedback:{link_id}:{status}:{int(told_at.timestamp())}",
        recipient=ticket.requester_address,
        template="feedback_outcome",
        ticket=ticket,
        context={**_requester_locale(ticket), "notice": text},
    )


def _portal_user(address: str) -> bool:
    """Whether mail to this address may point to the portal to add files: it is a contact's with an
    active portal login."""
    return Contact.objects.with_email(address).filter(user__is_active=True).exists()


# Context entries that name a row the builder loads (or the locale, which MailPlan carries).
_LOADED = ("message", "referral", "follow_up", "language", "time_zone", "agent_files", "refused")


def ticket_mail(row: NotificationLog) -> MailPlan:
    """The outbox's mail builder of ticket templates, in the language and time zone stored with the
    row for its recipient. Mail about a ticket deleted since it was queued is dropped, and so is an
    SLA warning that is out of date when it is sent (time-sensitive: re-checked at the last moment)."""
    tickets = Ticket.objects.select_related("requester", "custom_status")
    ticket = tickets.filter(pk=row.ticket_id).first() if row.ticket_id else None
    if row.ticket_id and ticket is None:
        raise MailDropped(_("The ticket was deleted before this mail was sent."))
    if row.template == "sla_warning" and ticket and _warning_is_stale(ticket=ticket, context=row.context):
        raise MailDropped(_("The SLA warning was out of date: the ticket was answered, solved or already late."))
    if row.template == surveys.TEMPLATE and ticket:  # reopened, tagged spam or rated since it was queued
        surveys.survey_check_before_send(ticket=ticket, row=row)
    context = dict(row.context)
    data = {
        "ticket": ticket,
        # mail to the customer ends with "reply to add to your request"; mail to staff does not
        "customer_facing": row.template in CUSTOMER_TEMPLATES,
        # the "solved" mail carries the rating links only when no survey mail will
        "rating_links": not surveys.surveys_enabled(),
        **{k: v for k, v in context.items() if k not in _LOADED},
    }
    files = ()
    if "message" in context:
        data["message"] = Message.objects.filter(pk=context["message"]).first()
        if row.template in FILE_TEMPLATES or context.get("agent_files"):  # the public files go with it; the rest listed
            carried = reply_files(message=data["message"])
            files, data["files_left"] = carried.attached, carried.left
    if "refused" in context:  # the files of the customer's mail that were not accepted, and how to send them
        data.update(refused_context(context["refused"]), portal=_portal_user(row.recipient))
    if "follow_up" in context:
        data["follow_up"] = RatingFollowUp.objects.select_related("rating").filter(pk=context["follow_up"]).first()
    if "referral" in context:
        data["referral"] = (
            Referral.objects.select_related("to_team", "requested_by").filter(pk=context["referral"]).first()
        )
    return MailPlan(
        context=data,
        # rows queued before the language was stored: the site's
        language=context.get("language") or settings.LANGUAGE_CODE,
        time_zone=context.get("time_zone", ""),
        headers=outbound.outbound_headers(row=row, ticket=ticket),
        subject=lambda subject: outbound.subject_with_tag(subject=subject, ticket=ticket),
        files=files,
    )
