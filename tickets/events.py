"""The one writer of the audit trail: small keyword-only helpers that services call explicitly, never signals.

Every event is also offered to the webhooks that subscribe to it (tickets.webhooks), in the same
transaction, and to the triggers (tickets.triggers.hook, after the commit), so no module writes a
TicketEvent row itself (tests/tickets/test_one_writer.py checks).
"""

from collections.abc import Callable, Collection, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone, translation

from helpdesk.models import User
from helpdesk.names import NamedInLanguages
from tickets import webhooks
from tickets.models import EventKind, Message, Ticket, TicketEvent
from tickets.triggers import hook as triggers_hook

# Fields whose changes a customer may see in their request's history.
PUBLIC_FIELDS = frozenset({"status"})


def _label(value) -> str:
    if value is None:
        return ""
    return str(value)[:255]


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None,
    field: str = "",
    old="",
    new="",
    public: bool = False,
    data: dict | None = None,
    at=None,
    offer_webhooks: bool = True,
) -> TicketEvent:
    """One row of the audit trail, offered to the webhooks and the triggers; `offer_webhooks=False` only
    for history replayed from another helpdesk (tickets.imports), which happened long ago and must fire
    neither hooks nor triggers."""
    actor, data = triggers_hook.stamp(actor=actor, data=data)  # a trigger acting: the system, naming it
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        field=field,
        old_value=_label(old),
        new_value=_label(new),
        public=public,
        data=data or {},
        created_at=at or timezone.now(),
    )
    if offer_webhooks:
        webhooks.webhooks_queue(events=[event])  # in the same transaction: a rolled-back change sends nothing
        triggers_hook.event_recorded(event)  # the triggers run once the change has committed
    return event


def event_record_bulk(*, events: Sequence[TicketEvent]) -> list[TicketEvent]:
    """Save unsaved events in one INSERT and queue their webhooks (the SLA sweep's batches)."""
    if not events:
        return []
    saved = TicketEvent.objects.bulk_create(events)
    webhooks.webhooks_queue(events=saved)
    for event in saved:
        triggers_hook.event_recorded(event)
    return saved


def event_created(*, ticket: Ticket, actor: User | None) -> TicketEvent:
    return event_record(
        ticket=ticket,
        kind=EventKind.CREATED,
        actor=actor,
        public=True,
        data={"channel": ticket.channel},
        at=ticket.created_at,
    )


def event_attachment_withheld(*, ticket: Ticket, message: Message | None, name: str, extension: str) -> TicketEvent:
    """A file of an inbound mail that was not stored because its type is refused on every channel (a
    program or script, tickets.attachments.store.blocked_extension): for agents only."""
    data = {"name": name, "extension": extension, "message": message.pk if message else None}
    return event_record(ticket=ticket, kind=EventKind.ATTACHMENT_WITHHELD, actor=None, new=name, data=data)


def event_refused_files_notice(
    *, ticket: Ticket, message: Message | None, recipient: str, files: list[dict], told: str, not_told: str = ""
) -> TicketEvent:
    """Whether the sender of an inbound mail was told which of its `files` were not accepted
    (tickets.email.refusal_notice): `told` says how ("acknowledgement", "notice"), else `not_told` why not.
    For agents only, so they know whether the customer knows."""
    data = {
        "message": message.pk if message else None,
        "recipient": recipient,
        "files": files,
        "told": told,
        "not_told": not_told,
    }
    return event_record(ticket=ticket, kind=EventKind.REFUSED_FILES_NOTICE, actor=None, new=recipient, data=data)


def _names(value) -> list[str] | None:
    """A value named in both languages (a team, category, product, root cause) as [English, Persian],
    so the trail reads in its reader's language whatever language the change was made in."""
    if not isinstance(value, NamedInLanguages):
        return None
    with translation.override("en"):
        english = str(value)
    with translation.override("fa"):
        return [english, str(value)]


def event_field_changed(
    *, ticket: Ticket, actor: User | None, field: str, old, new, at=None, data: dict | None = None
) -> TicketEvent:
    """A field's change; `data` says why when the helpdesk made it (`rule`, `assignment`, `reason`),
    and `names` holds both languages' names of a value named in both."""
    names = {key: pair for key, pair in (("old", _names(old)), ("new", _names(new))) if pair}
    if names:
        data = {**(data or {}), "names": names}
    return event_record(
        ticket=ticket,
        kind=EventKind.FIELD_CHANGED,
        actor=actor,
        field=field,
        old=old,
        new=new,
        public=field in PUBLIC_FIELDS,
        data=data,
        at=at,
    )


def event_status_changed(*, ticket: Ticket, actor: User | None, old: str, new: str, at=None) -> TicketEvent:
    return event_record(
        ticket=ticket, kind=EventKind.STATUS_CHANGED, actor=actor, field="status", old=old, new=new, public=True, at=at
    )


def _customer_words(custom) -> tuple[str, str]:
    return (custom.customer_name, custom.customer_name_fa) if custom is not None else ("", "")


def event_custom_status_changed(*, ticket: Ticket, actor: User | None, old, new, at=None) -> TicketEvent:
    """A ticket put on a custom status, or taken off one (`old`/`new`: CustomStatus or None).

    `data` keeps both statuses' labels as they were (`CustomStatus.labels`), which the timeline says in
    the reader's language. Customers see the event (API: `old_value`/`new_value` are the customer
    labels, empty for the base status's own wording) only when their wording changed with it.
    """
    before, after = _customer_words(old), _customer_words(new)
    return event_record(
        ticket=ticket,
        kind=EventKind.CUSTOM_STATUS_CHANGED,
        actor=actor,
        field="custom_status",
        old=before[0],
        new=after[0],
        public=before != after,
        data={
            "old": old.labels() if old is not None else None,
            "new": new.labels() if new is not None else None,
            "status": ticket.status,  # the base status it is on after the change
        },
        at=at,
    )


# --- redaction: a privacy erasure or the retention rule takes personal data out of the trail -------

# Event fields whose values a requester wrote or that name people.
PERSONAL_FIELDS = ("subject", "requester", "cc_emails", "reply_to_email")


def events_forget_personal(*, ticket_ids: Collection[int]) -> None:
    """On these tickets' events: no old or new values of personal fields, no rating comments (the
    scores stay). The rows stay: the trail still says what changed and when."""
    TicketEvent.objects.filter(ticket_id__in=ticket_ids, field__in=PERSONAL_FIELDS).update(old_value="", new_value="")
    for pk, data in TicketEvent.objects.filter(ticket_id__in=ticket_ids, field="rating").values_list("pk", "data"):
        if data.pop("comment", None) is not None:
            TicketEvent.objects.filter(pk=pk).update(data=data)


def events_scrub(*, events: QuerySet[TicketEvent], text: Callable[[str], str], json: Callable[[Any], Any]) -> int:
    """Pass the values and data of these events through `text` and `json` (a person's strings replaced);
    returns how many rows changed."""
    changed = 0
    for pk, old, new, data in events.values_list("pk", "old_value", "new_value", "data"):
        values = {"old_value": text(old), "new_value": text(new), "data": json(data)}
        if values != {"old_value": old, "new_value": new, "data": data}:
            TicketEvent.objects.filter(pk=pk).update(**values)
            changed += 1
    return changed
