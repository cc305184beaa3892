"""The status of a ticket: the one module that sets it, always checked against tickets.transitions.

Other services move a status only through `_transition` (and a new ticket takes `status_initial`);
tests/tickets/test_one_writer.py fails when any other module assigns Ticket.status.

It also writes the ticket's custom status (tickets.models.statuses), the one place that keeps the two
in agreement: a custom status sets its base status through the transition table, and any move of the
base status clears the custom status unless the move is to the custom status being set
(tests/tickets/statuses/test_one_writer.py).
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
from helpdesk.permissions import require_agent
from tickets import events, notifications
from tickets.models import CustomStatus, Status, Ticket
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
        message = _("Choose the root cause of this ticket before solving it.")
        raise ValidationError({"root_cause": ValidationError(message, code="root_cause_required")})


def status_initial(*, assignee: User | None) -> str:
    """A new ticket's first status: open when someone already owns it, else new."""
    return Status.OPEN if assignee is not None else Status.NEW


def status_imported(*, ticket: Ticket, status: str, solved_at: datetime | None, closed_at: datetime | None) -> None:
    """Give a ticket being imported (tickets.imports) the status it has in the other helpdesk, on the
    unsaved or locked row (the caller saves). History, not a move: no transition check, no SLA, no mail;
    a solved or closed ticket keeps its own solved and closed times."""
    if status not in Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    ticket.status = status
    ticket.solved_at = solved_at if status in (Status.SOLVED, Status.CLOSED) else None
    ticket.closed_at = closed_at if status == Status.CLOSED else None


def _set_status(
    *, ticket: Ticket, actor: User | None, status: str, now: datetime, custom: CustomStatus | None = None
) -> None:
    """Move the locked ticket to `status` (checked by the caller), and to `custom` (one standing for
    `status`) or else off its custom status, which stood for the status it leaves."""
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
    _custom_set(ticket=ticket, actor=actor, custom=custom if custom and custom.base_status == status else None, now=now)


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


def _change_locked(
    *, ticket: Ticket, actor: User | None, status: str, now: datetime, custom: CustomStatus | None = None
) -> None:
    """Make a checked move on the locked ticket (to `custom` too, when given): save, recompute the SLA,
    mail the customer when solved."""
    by_customer = actor is not None and not actor.is_agent
    _set_status(ticket=ticket, actor=actor, status=status, now=now, custom=custom)
    ticket.updated_at = now
    if by_customer:
        ticket.last_customer_activity_at = now
    ticket.save()
    sla_refresh(ticket=ticket, now=now)
    if status == Status.SOLVED:
        notifications.notify_solved(ticket=ticket, actor=actor)


# --- custom statuses --------------------------------------------------------------------------


def custom_status_offered(*, custom: CustomStatus, team_id: int | None, team_ids: set[int] | None = None) -> bool:
    """Whether `custom` may be chosen on a ticket of team `team_id`: active, and for every team or this
    one (`team_ids`: its teams, when the caller has them prefetched)."""
    if not custom.is_active:
        return False
    allowed = team_ids if team_ids is not None else set(custom.teams.values_list("pk", flat=True))
    return not allowed or team_id in allowed


def custom_status_wanted(*, custom: CustomStatus | None, status: str | None) -> str | None:
    """The status a change to `custom` asks for: its base status (`status` when clearing); a `status`
    asked for beside it that is another one is a 400 on `custom_status`."""
    if custom is None:
        return status
    if status is not None and status != custom.base_status:
        message = _("This status stands for “%(base)s”, not for the status chosen with it.")
        message = message % {"base": Status(custom.base_status).label}
        raise ValidationError({"custom_status": ValidationError(message, code="custom_status_mismatch")})
    return custom.base_status


def custom_status_check(*, ticket: Ticket, actor: User | None, custom: CustomStatus | None) -> None:
    """Agents only (403); a custom status that is inactive or not for the ticket's team (as the same
    change leaves it) is a 400 on `custom_status`. Keeping the one it has is always fine."""
    require_agent(actor)
    if custom is None or ticket.custom_status_id == custom.pk:
        return
    if not custom_status_offered(custom=custom, team_id=ticket.team_id):
        message = _("This status is not offered for this ticket (inactive, or for other teams).")
        raise ValidationError({"custom_status": ValidationError(message, code="custom_status_not_offered")})


def _custom_set(*, ticket: Ticket, actor: User | None, custom: CustomStatus | None, now: datetime) -> bool:
    """Put the locked ticket on `custom` (None: off its custom status), with its event; the caller saves.
    Returns whether it changed."""
    if ticket.custom_status_id == (custom.pk if custom is not None else None):
        return False
    old = ticket.custom_status if ticket.custom_status_id is not None else None
    ticket.custom_status = custom
    events.event_custom_status_changed(ticket=ticket, actor=actor, old=old, new=custom, at=now)
    return True


def custom_status_team_moved(*, ticket: Ticket, actor: User | None, now: datetime) -> None:
    """The locked ticket has just moved to another team (ticket_update, a hand-off): take it off a custom
    status kept for other teams only, with its event; the base status stays. The caller saves."""
    custom = ticket.custom_status if ticket.custom_status_id is not None else None
    if custom is None:
        return
    teams = set(custom.teams.values_list("pk", flat=True))
    if teams and ticket.team_id not in teams:
        _custom_set(ticket=ticket, actor=actor, custom=None, now=now)


def custom_status_finish(*, ticket: Ticket, actor: User, custom: CustomStatus | None, now: datetime) -> None:
    """After ticket_edit's status move, or with none needed: put the locked ticket, now on the base
    status of `custom`, on `custom` (a move to it has done so already) and save."""
    if custom is not None and ticket.status != custom.base_status:
        raise InvalidTransition(
            _("A ticket cannot go from %(old)s to %(new)s.")
            % {"old": Status(ticket.status).label, "new": custom.display_name}
        )
    if _custom_set(ticket=ticket, actor=actor, custom=custom, now=now):
        ticket.updated_at = now
        ticket.save(update_fields=["custom_status", "updated_at"])


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
