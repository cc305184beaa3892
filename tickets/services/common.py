"""What every ticket service shares: the agent check (helpdesk.permissions), the row lock (which refuses a
merged ticket), tag rows, the default team."""

from collections.abc import Iterable

from django.conf import settings

from helpdesk.models import Team
from helpdesk.permissions import require_agent as _require_agent  # noqa: F401 (re-exported to the services)
from helpdesk.text import split_items
from tickets.models import Tag, Ticket
from tickets.transitions import MERGE_HOPS, TicketMerged, merged_check


def _default_team() -> Team | None:
    slug = getattr(settings, "HELPDESK_DEFAULT_TEAM", "")
    return Team.objects.filter(slug=slug, is_active=True).first() if slug else None


def tag_names_clean(names: Iterable[str]) -> set[str]:
    """Tag names as they are stored: each value split as a typed list (helpdesk.text.split_items: "," "،"
    ";" "؛"), trimmed, lower case, at most 60 characters, no blanks."""
    return {n.lower()[:60] for n in split_items(names)}


def _tags(names: Iterable[str]) -> list[Tag]:
    clean = sorted(tag_names_clean(names))
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    return [existing.get(name) or Tag.objects.get_or_create(name=name)[0] for name in clean]


def _lock_row(ticket_id: int) -> Ticket:
    return (
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester", "organization", "sla_policy")
        .get(pk=ticket_id)
    )


def _lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock so concurrent changes queue up instead of overwriting.

    Every write to a ticket takes this lock, so it is where a merged ticket is refused (TicketMerged,
    tickets.transitions.merged_check): a merge that committed meanwhile is seen here."""
    locked = _lock_row(ticket.pk)
    merged_check(ticket=locked)
    return locked


def _lock_live(ticket: Ticket) -> Ticket:
    """The ticket that lives on, under a row lock: `ticket` itself, or the ticket it was merged into
    (following merges of merges). For what goes on to the survivor, a customer's reply."""
    ticket_id = ticket.pk
    for _hop in range(MERGE_HOPS):
        locked = _lock_row(ticket_id)
        if locked.merged_into_id is None:
            return locked
        ticket_id = locked.merged_into_id
    raise TicketMerged.for_ticket(locked)
