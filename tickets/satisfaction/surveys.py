"""The satisfaction survey: one mail with the one-click rating links per solved ticket, a while
after it was solved, queued by the every-few-minutes sweep through the outbox (exactly once).

Who gets none is decided twice by the same rule: when the sweep selects tickets (in SQL, so that
skipped tickets never clog the batches) and when the outbox builds the mail (`survey_check_before_send`),
since the ticket may have been reopened, tagged spam or rated in between.
"""

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from helpdesk.mail import recipient_locale
from helpdesk.models import NotificationLog
from helpdesk.outbox import queue
from helpdesk.outbox.registry import MailDropped
from tickets import events
from tickets.models import EventKind, SatisfactionRating, SatisfactionSurvey, Status, Ticket, TicketEvent

logger = logging.getLogger(__name__)

TEMPLATE = "satisfaction_survey"
SURVEYED_STATUSES = (Status.SOLVED, Status.CLOSED)
BATCH = 200
MAX_BATCHES = 50  # a sweep queues at most BATCH * MAX_BATCHES surveys; the next one goes on
# Addresses of mail systems and no-reply senders: an auto-reply that became a ticket never gets a survey.
_MACHINE_ADDRESS = r"^(mailer-daemon|mail-daemon|mailerdaemon|postmaster|no-?reply|do-?not-?reply)@"


def surveys_enabled() -> bool:
    return bool(getattr(settings, "HELPDESK_SURVEYS", True))


def _skip_tags() -> list[str]:
    return list(getattr(settings, "HELPDESK_SURVEY_SKIP_TAGS", ["spam", "auto-reply"]))


def surveys_due(*, now: datetime) -> QuerySet[Ticket]:
    """Tickets whose survey is due: solved or closed between the max age and the delay ago, not
    merged, with a requester address that is a person's, no skip tag, no rating and no survey yet.
    Read through ticket_survey_due_idx (solved_at on solved/closed tickets), oldest solve first."""
    delay = timedelta(hours=settings.HELPDESK_SURVEY_DELAY_HOURS)
    oldest = now - delay - timedelta(days=settings.HELPDESK_SURVEY_MAX_AGE_DAYS)
    tagged = Ticket.tags.through.objects.filter(ticket_id=OuterRef("pk"), tag__name__in=_skip_tags())
    return (
        Ticket.objects.filter(status__in=SURVEYED_STATUSES, solved_at__isnull=False)
        .filter(solved_at__lte=now - delay, solved_at__gte=oldest, merged_into__isnull=True)
        # no address: known by phone only (NULL; "" only if written around the services)
        .exclude(Q(reply_to_email="") & (Q(requester__email__isnull=True) | Q(requester__email="")))
        .exclude(requester__email__iregex=_MACHINE_ADDRESS)
        .filter(~Exists(SatisfactionSurvey.objects.filter(ticket_id=OuterRef("pk"))))
        .filter(~Exists(SatisfactionRating.objects.filter(ticket_id=OuterRef("pk"))))
        .filter(~Exists(tagged))
        .order_by("solved_at", "pk")
    )


def survey_skip_reason(*, ticket: Ticket) -> str:
    """Why this ticket must get no survey now ("" when it may): the rule `surveys_due` applies in SQL,
    asked again of one loaded ticket when its mail is built."""
    if ticket.status not in SURVEYED_STATUSES:
        return _("The ticket was reopened before the survey was sent.")
    if ticket.merged_into_id:
        return _("The ticket was merged into another one.")
    if not ticket.requester_address or re.match(_MACHINE_ADDRESS, ticket.requester.email or "", re.IGNORECASE):
        return _("The requester has no address a person reads.")
    if ticket.tags.filter(name__in=_skip_tags()).exists():
        return _("The ticket is tagged as one that gets no survey (spam, auto-reply).")
    if SatisfactionRating.objects.filter(ticket=ticket).exists():
        return _("The requester rated the ticket before the survey was sent.")
    return ""


def _queue_batch(*, tickets: list[Ticket], now: datetime) -> int:
    """Claim each ticket by inserting its survey row (unique per ticket; rows this call inserted carry
    its `now`), then queue their mails and record their events, one INSERT each."""
    with transaction.atomic():
        SatisfactionSurvey.objects.bulk_create(
            [SatisfactionSurvey(ticket=t, solved_at=t.solved_at, queued_at=now) for t in tickets],
            ignore_conflicts=True,
        )
        surveys = list(SatisfactionSurvey.objects.filter(ticket__in=tickets, queued_at=now))
        # one key per survey row: a ticket surveyed again after a dropped survey gets a new mail
        keys = {survey.ticket_id: f"survey:{survey.ticket_id}:{survey.pk}" for survey in surveys}
        queue.notifications_queue_many(
            items=[
                {
                    "key": keys[t.pk],
                    "recipient": t.requester_address,
                    "template": TEMPLATE,
                    "ticket_id": t.pk,
                    "context": recipient_locale(contact=t.requester),
                }
                for t in tickets
                if t.pk in keys
            ],
            now=now,
        )
        rows = dict(NotificationLog.objects.filter(key__in=keys.values()).values_list("key", "pk"))
        for survey in surveys:
            survey.notification_id = rows.get(keys[survey.ticket_id])
        SatisfactionSurvey.objects.bulk_update(surveys, ["notification"])
        events.event_record_bulk(
            events=[
                TicketEvent(
                    ticket_id=survey.ticket_id,
                    kind=EventKind.SURVEY_QUEUED,
                    data={"notification": survey.notification_id},
                    created_at=now,
                )
                for survey in surveys
            ]
        )
    return len(surveys)


def survey_waive(*, ticket: Ticket) -> None:
    """A ticket solved before it came here (tickets.imports) gets no survey: its survey row is taken
    with no mail, so the sweep passes it by (and the roll-up, which counts sent surveys, ignores it)."""
    if ticket.solved_at is not None:
        SatisfactionSurvey.objects.get_or_create(
            ticket=ticket, defaults={"solved_at": ticket.solved_at, "queued_at": ticket.solved_at}
        )


def survey_sweep(*, now: datetime) -> int:
    """Queue the surveys that have come due, in batches; returns how many. Safe to run twice or in
    two workers at once: a ticket's survey row is inserted once, and only its inserter queues the mail."""
    if not surveys_enabled():
        return 0
    queued = 0
    for _batch in range(MAX_BATCHES):
        tickets = list(surveys_due(now=now).select_related("requester__user")[:BATCH])
        if not tickets:
            break
        queued += _queue_batch(tickets=tickets, now=now)
        if len(tickets) < BATCH:
            break
    if queued:
        logger.info("satisfaction surveys queued: %s", queued)
    return queued


def survey_check_before_send(*, ticket: Ticket, row: NotificationLog) -> None:
    """Raise MailDropped when the survey must not go any more. A ticket reopened meanwhile loses its
    survey row too, so that it gets a survey after it is solved again."""
    reason = survey_skip_reason(ticket=ticket)
    if not reason:
        return
    if ticket.status not in SURVEYED_STATUSES:
        SatisfactionSurvey.objects.filter(ticket=ticket, notification_id=row.pk).delete()
    raise MailDropped(reason)
