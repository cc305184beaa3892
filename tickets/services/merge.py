"""Merging a duplicate into the ticket that lives on: its conversation, its people and what was recorded
on it go to the target (tickets.services.merge_records says what moves, merges or stays, and why), and
the duplicate closes for good, read-only and pointing to the target."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from helpdesk.exceptions import InvalidTransition
from helpdesk.models import User
from tickets import events
from tickets.models import Channel, EventKind, Message, Status, Ticket, TicketLink
from tickets.search import ticket_index
from tickets.services.common import _require_agent
from tickets.services.merge_records import Carried, merge_records_carry
from tickets.services.status import _transition
from tickets.sla.store import sla_refresh
from tickets.timetrack.durations import format_minutes
from tickets.transitions import merged_check


def _merge_lock(*, source: Ticket, target: Ticket) -> tuple[Ticket, Ticket]:
    """Both tickets under a row lock, in id order (two merges the other way round cannot deadlock)."""
    first, second = sorted([source.pk, target.pk])
    locked = {
        t.pk: t
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the organization's outer join
        for t in Ticket.objects.select_for_update(of=("self",))
        .filter(pk__in=[first, second])
        .select_related("requester", "organization")  # what the target's search words name
    }
    source, target = locked[source.pk], locked[target.pk]
    merged_check(ticket=source)  # merged: the 400 `ticket_merged` of any write, naming where it went
    merged_check(ticket=target)
    if source.status == Status.CLOSED:
        raise InvalidTransition(_("This ticket is closed, so it cannot be merged."))
    if target.status == Status.CLOSED:
        raise InvalidTransition(_("Tickets cannot be merged into a closed ticket."))
    return source, target


def _merge_events(*, source: Ticket, target: Ticket, actor: User, moved: dict, now: datetime) -> None:
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
        data={"from": source.pk, **moved},
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


def _note_lines(*, messages: int, carried: Carried) -> list[str]:
    """What moved, one line each (only what there was), then what an agent may want to check."""
    lines = [_("Messages: %(count)s") % {"count": messages}]
    if carried.time_entries:
        lines.append(
            _("Time entries: %(count)s (%(time)s)")
            % {"count": carried.time_entries, "time": format_minutes(carried.minutes)}
        )
    if carried.tags:
        lines.append(_("Tags added: %(tags)s") % {"tags": ", ".join(carried.tags)})
    if carried.opportunities:
        lines.append(_("Sales opportunities: %(count)s") % {"count": carried.opportunities})
    if carried.feedback_links:
        lines.append(_("Product feedback links: %(count)s") % {"count": carried.feedback_links})
    if carried.problem_taken:
        lines.append(_("Problem: %(problem)s") % {"problem": carried.problem_taken.title})
    if carried.problem_apart and carried.target_problem:
        lines.append(
            _(
                "The duplicate was an incident of another problem, %(theirs)s; this ticket stays with %(ours)s."
                " Link it to the other problem if that one is right."
            )
            % {"theirs": carried.problem_apart.title, "ours": carried.target_problem.title}
        )
    if carried.contract_changed:
        lines.append(_("The moved time now counts against this ticket's contract, not the duplicate's."))
    return lines


def _merge_note(*, source: Ticket, target: Ticket, actor: User, messages: int, carried: Carried, now: datetime):
    """The internal note on the target saying what was merged and what moved with it."""
    lines = _note_lines(messages=messages, carried=carried)
    heading = _("Ticket #%(source)s (%(subject)s) was merged into this ticket.") % {
        "source": source.pk,
        "subject": source.subject,
    }
    moved = _("Moved here:")
    Message.objects.create(
        ticket=target,
        author_user=actor,
        internal=True,
        channel=Channel.AGENT,
        created_at=now,
        body_text="\n".join([heading, moved, *(f"- {line}" for line in lines)]),
        body_html=format_html(
            "<p>{}</p><p>{}</p><ul>{}</ul>",
            _("Ticket #%(source)s was merged into this ticket.") % {"source": source.pk},
            moved,
            format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
        ),
    )


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: User, now: datetime | None = None) -> Ticket:
    """Merge `source` into `target`: its messages, attachments, referrals, time entries, sales
    opportunities and product-feedback links move, its tags and problem merge into the target's
    (tickets.services.merge_records), and source closes as a duplicate, read-only from then on
    (tickets.transitions.merged_check) and with its SLA clocks stopped. Its satisfaction rating stays:
    it rates the help given on the duplicate (merge_records says what stays and why). A fixed number
    of queries whatever the counts.

    The close is a system move of the status table (any status but closed -> closed), with its
    status event. Both tickets keep an event saying so (the target's counts what moved), and the
    target an internal note listing it; the source stays readable and points to the target, where
    customers' replies to the source go (ticket_customer_reply, the email channel).
    """
    _require_agent(actor)
    now = now or timezone.now()
    if source.pk == target.pk:
        raise ValidationError({"target": [_("A ticket cannot be merged into itself.")]})
    source, target = _merge_lock(source=source, target=target)
    moved = source.messages.update(ticket=target)
    attachments = source.attachments.update(ticket=target)
    # its referrals too: an open one is answered, and reminds, on the ticket that lives on
    referrals = source.referrals.update(ticket=target)
    carried = merge_records_carry(source=source, target=target, actor=actor, now=now)
    _merge_note(source=source, target=target, actor=actor, messages=moved, carried=carried, now=now)
    _merge_participants(source=source, target=target)
    _merge_close(source=source, target=target, actor=actor, now=now)
    counts = {"messages": moved, "attachments": attachments, "referrals": referrals, **carried.as_data()}
    _merge_events(source=source, target=target, actor=actor, moved=counts, now=now)
    TicketLink.objects.get_or_create(
        from_ticket=source, to_ticket=target, kind=TicketLink.Kind.DUPLICATE, defaults={"created_by": actor}
    )
    target.updated_at = now
    target.save()
    ticket_index(ticket=target)
    sla_refresh(ticket=target, now=now)
    return target
