"""Links between tickets (merging a duplicate into the ticket that lives on: tickets.services.merge)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from helpdesk.models import User
from tickets import events
from tickets.models import EventKind, Ticket, TicketLink
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
