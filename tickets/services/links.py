"""Links between tickets, and merging a duplicate into the ticket that lives on."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.exceptions import InvalidTransition
from helpdesk.models import User
from tickets import events
from tickets.models import Channel, EventKind, Message, Status, Ticket, TicketLink
from tickets.search import ticket_index
from tickets.services.common import _require_agent
from tickets.services.status import _transition
from tickets.sla.store import sla_refresh
from tickets.transitions import merged_check


@transaction.atomic
def ticket_link(*, ticket: Ticket, other: Ticket, kind: str, actor: User | None) -> TicketLink:
    """Link two tickets (related, parent of, duplicate of, follow-up of); linking twice is harmless.
    Neither may be a merged ticket (TicketMerged): link the ticket it was merged into."""
    if ticket.pk == other.pk:
        raise ValidationError({"other": [_("A ticket cannot be linked to itself.")]})
    if kind not in TicketLink.Kind.values:
        raise ValidationError({"kind": [_("Unknown kind of link.")]})
    merged_check(ticket=ticket)
    merged_check(ticket=other)
    link, created = TicketLink.objects.get_or_create(
        from_ticket=ticket,
        to_ticket=other,
        kind=kind,
        defaults={"created_by": actor if actor and actor.is_authenticated else None},
    )
    if created:
        events.event_record(
            ticket=ticket, kind=EventKind.LINKED, actor=actor, new=f"#{other.pk}", data={"kind": kind, "to": other.pk}
        )
        events.event_record(
            ticket=other,
            kind=EventKind.LINKED,
            actor=actor,
            new=f"#{ticket.pk}",
            data={"kind": kind, "from": ticket.pk},
        )
    return link


def _merge_lock(*, source: Ticket, target: Ticket) -> tuple[Ticket, Ticket]:
    """Both tickets under a row lock, in id order (two merges the other way round cannot deadlock)."""
    first, second = sorted([source.pk, target.pk])
    locked = {
        t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second]).select_related("requester")
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or source.status == Status.CLOSED:
        raise InvalidTransition(_("This ticket is closed or already merged."))
    if target.status == Status.CLOSED or target.merged_into_id:
        raise InvalidTransition(_("Tickets cannot be merged into a closed ticket."))
    return source, target


def _merge_events(*, source: Ticket, target: Ticket, actor: User, moved: int, now: datetime) -> None:
    events.event_record(
        ticket=source,
        kind=EventKind.MERGED,
        actor=actor,
        new=f"#{target.pk}",
        public=True,
        data={"into": target.pk},
        at=now,
    )
    events.event_record(
        ticket=target,
        kind=EventKind.MERGED,
        actor=actor,
        old=f"#{source.pk}",
        data={"from": source.pk, "messages": moved},
        at=now,
    )


def _merge_participants(*, source: Ticket, target: Ticket) -> None:
    """Everyone who could write to the source may write to the target: its requester, its CC list and
    its Reply-To address join the target's CC list (the email channel takes their replies there)."""
    own = {(target.requester.email or "").lower(), target.reply_to_email.lower()}  # a caller may have no address
    kept: dict[str, str] = {}
    for email in [*target.cc_emails, *source.cc_emails, source.requester.email, source.reply_to_email]:
        if email and email.lower() not in own:
            kept.setdefault(email.lower(), email)
    target.cc_emails = sorted(kept.values())


def _merge_close(*, source: Ticket, target: Ticket, actor: User, now: datetime) -> None:
    """Close the source as the target's duplicate (a system move of the status table, with its event)
    and stop its SLA clocks for good: no due times, no state, no check or escalation to come, so it
    is in no SLA list and gets no reminder (tickets.sla.store.ticket_sla_compute). Its history stays."""
    _transition(ticket=source, actor=actor, status=Status.CLOSED, now=now, system=True)
    source.merged_into = target
    source.updated_at = now
    source.next_escalation_at = None
    source.save()
    sla_refresh(ticket=source, now=now)


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: User, now: datetime | None = None) -> Ticket:
    """Merge `source` into `target`: its messages, attachments and referrals move, source closes as a
    duplicate, read-only from then on (tickets.transitions.merged_check) and with its SLA clocks stopped.

    The close is a system move of the status table (any status but closed -> closed), with its
    status event. Both tickets keep an event saying so; the source stays readable and points to the
    target, where customers' replies to the source go (ticket_customer_reply, the email channel).
    """
    _require_agent(actor)
    now = now or timezone.now()
    if source.pk == target.pk:
        raise ValidationError({"target": [_("A ticket cannot be merged into itself.")]})
    source, target = _merge_lock(source=source, target=target)
    moved = source.messages.update(ticket=target)
    source.attachments.update(ticket=target)
    # its referrals too: an open one is answered, and reminds, on the ticket that lives on
    source.referrals.update(ticket=target)
    Message.objects.create(
        ticket=target,
        author_user=actor,
        internal=True,
        channel=Channel.AGENT,
        created_at=now,
        body_text=_("Ticket #%(source)s (%(subject)s) was merged into this ticket.")
        % {"source": source.pk, "subject": source.subject},
        body_html="<p>" + _("Ticket #%(source)s was merged into this ticket.") % {"source": source.pk} + "</p>",
    )
    _merge_participants(source=source, target=target)
    _merge_close(source=source, target=target, actor=actor, now=now)
    _merge_events(source=source, target=target, actor=actor, moved=moved, now=now)
    TicketLink.objects.get_or_create(
        from_ticket=source, to_ticket=target, kind=TicketLink.Kind.DUPLICATE, defaults={"created_by": actor}
    )
    target.updated_at = now
    target.save()
    ticket_index(ticket=target)
    sla_refresh(ticket=target, now=now)
    return target
