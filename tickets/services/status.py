"""The status of a ticket: the one module that sets it, always checked against tickets.transitions.

Other services move a status only through `_transition` (and a new ticket takes `status_initial`);
tests/tickets/test_one_writer.py fails when any other module assigns Ticket.status.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpdesk import dates
from helpdesk.exceptions import Conflict, InvalidTransition
from helpdesk.models import User
from tickets import events, notifications
from tickets.models import Status, Ticket
from tickets.services.common import _lock
from tickets.sla.elapsed import business_minutes_since_created
from tickets.sla.store import sla_refresh
from tickets.transitions import can_transition, customer_can_reopen, reopen_days


def owner_required() -> bool:
    """HELPDESK_REQUIRE_OWNER: tickets have an owner before they are solved (and the first reply takes one)."""
    return bool(settings.HELPDESK_REQUIRE_OWNER)


def _owner_check(*, ticket: Ticket, actor: User | None, status: str) -> None:
    """An agent may not solve a ticket nobody owns while HELPDESK_REQUIRE_OWNER is on (customers and
    the helpdesk itself may): OwnerRequired, a 409 in the API and a form error on the page."""
    by_agent = actor is not None and actor.is_agent
    if status == Status.SOLVED and by_agent and ticket.assignee_id is None and owner_required():
        raise OwnerRequired(_("Choose an owner for this ticket before solving it."))


def root_cause_required() -> bool:
    """HELPDESK_REQUIRE_ROOT_CAUSE: an agent solving a ticket gives its root cause."""
    return bool(settings.HELPDESK_REQUIRE_ROOT_CAUSE)


def _root_cause_check(*, ticket: Ticket, actor: User | None, status: str) -> None:
    """An agent may not solve a ticket without a root cause while HELPDESK_REQUIRE_ROOT_CAUSE is on
    (customers, who never see root causes, may): a 400 on the `root_cause` field everywhere. The
    channels set the chosen root cause on the locked ticket first (`ticket_edit`'s changes)."""
    by_agent = actor is not None and actor.is_agent
    if status == Status.SOLVED and by_agent and ticket.root_cause_id is None and root_cause_required():
        raise ValidationError(
            {"root_cause": [_("Choose the root cause of this ticket before solving it.")]}, code="root_cause_required"
        )


def status_initial(*, assignee: User | None) -> str:
    """A new ticket's first status: open when someone already owns it, else new."""
    return Status.OPEN if assignee is not None else Status.NEW


def _set_status(*, ticket: Ticket, actor: User | None, status: str, now: datetime) -> None:
    _owner_check(ticket=ticket, actor=actor, status=status)
    _root_cause_check(ticket=ticket, actor=actor, status=status)
    old = ticket.status
    ticket.status = status
    if status == Status.SOLVED:
        ticket.solved_at = now
        ticket.resolution_business_minutes = business_minutes_since_created(ticket=ticket, at=now)
    elif status == Status.CLOSED:
        ticket.closed_at = now
    elif old == Status.SOLVED:
        ticket.solved_at = None
        ticket.resolution_business_minutes = None
    events.event_status_changed(ticket=ticket, actor=actor, old=old, new=status, at=now)


def _check(*, ticket: Ticket, status: str, by_customer: bool = False, system: bool = False) -> None:
    """InvalidTransition (a 409) unless the table allows the move."""
    if not can_transition(ticket.status, status, by_customer=by_customer, system=system):
        raise InvalidTransition(
            _("A ticket cannot go from %(old)s to %(new)s.")
            % {"old": Status(ticket.status).label, "new": Status(status).label}
        )


def _transition(
    *, ticket: Ticket, actor: User | None, status: str, now: datetime, by_customer: bool = False, system: bool = False
) -> None:
    """Check a status move against the table and make it (on the locked ticket; the caller saves).

    `system=True` is a move the helpdesk makes as the consequence of another action (a customer's reply
    reopening, an assignment opening a new ticket, a merge closing the duplicate): tickets.transitions.SYSTEM_ALLOWED.
    """
    _check(ticket=ticket, status=status, by_customer=by_customer, system=system)
    _set_status(ticket=ticket, actor=actor, status=status, now=now)


def status_change_check(*, ticket: Ticket, actor: User | None, status: str, now: datetime) -> None:
    """Raise what ticket_change_status would raise for this move, changing nothing.

    ValidationError for an unknown status, ReopenWindowPassed for a customer reopening too late,
    InvalidTransition for a move the table refuses.
    """
    if status not in Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    if ticket.status == status:
        return
    by_customer = actor is not None and not actor.is_agent
    if (
        by_customer
        and status == Status.OPEN
        and ticket.status == Status.SOLVED
        and not customer_can_reopen(ticket, now=now)
    ):
        raise ReopenWindowPassed.for_window()
    _check(ticket=ticket, status=status, by_customer=by_customer)


@transaction.atomic
def ticket_change_status(*, ticket: Ticket, actor: User | None, status: str, now: datetime | None = None) -> Ticket:
    """The only way a status changes: checked against tickets.transitions, evented, SLA recomputed.

    Customers may only mark solved or reopen, and reopen only within HELPDESK_REOPEN_DAYS
    (ReopenWindowPassed, a 409, after it). An illegal move raises InvalidTransition (409).
    """
    now = now or timezone.now()
    if status not in Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    ticket = _lock(ticket)
    if ticket.status == status:
        return ticket
    status_change_check(ticket=ticket, actor=actor, status=status, now=now)
    _change_locked(ticket=ticket, actor=actor, status=status, now=now)
    return ticket


def _change_locked(*, ticket: Ticket, actor: User | None, status: str, now: datetime) -> None:
    """Make a checked move on the locked ticket: save, recompute the SLA, mail the customer when solved."""
    by_customer = actor is not None and not actor.is_agent
    _set_status(ticket=ticket, actor=actor, status=status, now=now)
    ticket.updated_at = now
    if by_customer:
        ticket.last_customer_activity_at = now
    ticket.save()
    sla_refresh(ticket=ticket, now=now)
    if status == Status.SOLVED:
        notifications.notify_solved(ticket=ticket)


class TicketClosed(Conflict):
    code = "ticket_closed"


class OwnerRequired(Conflict):
    """HELPDESK_REQUIRE_OWNER: an agent tried to solve a ticket nobody owns."""

    code = "owner_required"


class ReopenWindowPassed(Conflict):
    """A customer tried to reopen a ticket solved longer ago than HELPDESK_REOPEN_DAYS."""

    code = "reopen_window_passed"

    @classmethod
    def for_window(cls) -> "ReopenWindowPassed":
        days = reopen_days()
        shown = dates.persian_digits(str(days)) if translation.get_language() == "fa" else str(days)
        return cls(
            ngettext(
                "This request was solved more than %(days)s day ago and can no longer be reopened. "
                "Reply to it instead: your reply opens a follow-up request linked to it.",
                "This request was solved more than %(days)s days ago and can no longer be reopened. "
                "Reply to it instead: your reply opens a follow-up request linked to it.",
                days,
            )
            % {"days": shown}
        )
