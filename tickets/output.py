"""A ticket as other systems read it: the dicts the API's ticket serializers return and the webhook
payloads carry, built here below both (the domain's webhooks do not import the HTTP layer).

One definition of each field: CUSTOMER_FIELDS and AGENT_FIELDS name the fields of each output in
order, and WRITERS says how each is written. The API's TicketCustomerOutput and TicketOutput take
their `Meta.fields` from these tuples and declare each field's type for the schema (DRF refuses a
declared field missing from `Meta.fields`, and a name here without a writer fails at import);
tests/tickets/test_api_output.py renders tickets through both and fails when the schema and the
dicts disagree in keys, types or nullability, or when DRF's own rendering of the declared fields
gives anything else.

Written by hand rather than by DRF's field machinery, because a list page renders 50 tickets with
five nested references each: bench/api.py (20,000 tickets, PostgreSQL, 6 alternating runs of 40
calls, medians with [min, max] of the runs) measured the rendering of the list's 50 rows at 0.65 ms
[0.62, 0.66] here against 3.72 ms [3.64, 4.21] through DRF's fields (about 0.9 ms of it building
the ModelSerializer's fields, then ~55 µs a row); the whole list call at 5.84 ms [5.80, 9.99]
against 9.05 ms [8.92, 10.68] (+55 %), one ticket at 4.84 against 5.83 ms (+20 %). The bench's
case "list: rendering its 50 rows through DRF's fields" keeps measuring it.
"""

from collections.abc import Callable
from datetime import datetime, tzinfo
from operator import attrgetter
from typing import Any, NamedTuple


class Page(NamedTuple):
    """What every ticket of one answer shares: the detail URL up to the id, the time zone to write in."""

    url_prefix: str
    tz: tzinfo


Writer = Callable[[Any, Page], Any]


def iso_datetime(value: datetime | None, tz: tzinfo) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601 in the active time zone `tz`, "Z" for UTC."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def person_ref(obj: Any) -> dict | None:
    """A user or contact as `{id, name, email}` (the name falls back to the email)."""
    if obj is None:
        return None
    return {"id": obj.pk, "name": obj.full_name or obj.email, "email": obj.email}


def named_ref(obj: Any) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def tag_names(ticket: Any) -> list[str]:
    """A list row (selectors.TicketListRow) carries its tag names; a Ticket has them prefetched."""
    names = getattr(ticket, "tag_names", None)
    return names if names is not None else [tag.name for tag in ticket.tags.all()]


def _value(attribute: str) -> Writer:
    """The attribute as it is: a string, a choice's value, an id (`<relation>_id` for a bare id)."""
    read = attrgetter(attribute)
    return lambda ticket, page: read(ticket)


def _time(attribute: str) -> Writer:
    read = attrgetter(attribute)
    return lambda ticket, page: iso_datetime(read(ticket), page.tz)


def _person(attribute: str) -> Writer:
    read = attrgetter(attribute)
    return lambda ticket, page: person_ref(read(ticket))


def _named(attribute: str) -> Writer:
    read = attrgetter(attribute)
    return lambda ticket, page: named_ref(read(ticket))


# How each field of a ticket's output is written; the serializers declare the same names' types.
WRITERS: dict[str, Writer] = {
    "id": _value("pk"),
    "subject": _value("subject"),
    "status": _value("status"),
    "priority": _value("priority"),
    "type": _value("type"),
    "channel": _value("channel"),
    "requester": _person("requester"),
    "organization": _named("organization"),
    "team": _named("team"),
    "product": _named("product"),
    "created_at": _time("created_at"),
    "updated_at": _time("updated_at"),
    "solved_at": _time("solved_at"),
    "closed_at": _time("closed_at"),
    "assignee": _person("assignee"),
    "tags": lambda ticket, page: tag_names(ticket),
    "contract": _value("contract_id"),
    "sla_policy": _value("sla_policy_id"),
    "first_responded_at": _time("first_responded_at"),
    "first_response_due_at": _time("first_response_due_at"),
    "next_response_due_at": _time("next_response_due_at"),
    "resolution_due_at": _time("resolution_due_at"),
    "sla_state": _value("sla_state"),
    "merged_into": _value("merged_into_id"),
    "url": lambda ticket, page: f"{page.url_prefix}{ticket.pk}/",
}

# What a customer (and the portal) sees of a ticket, in order.
CUSTOMER_FIELDS: tuple[str, ...] = (
    "id",
    "subject",
    "status",
    "priority",
    "type",
    "channel",
    "requester",
    "organization",
    "team",
    "product",
    "created_at",
    "updated_at",
    "solved_at",
    "closed_at",
    "url",
)
# An agent's view: the customer's fields, then assignment, tags and SLA, then `url`.
AGENT_FIELDS: tuple[str, ...] = (
    *CUSTOMER_FIELDS[:-1],
    "assignee",
    "tags",
    "contract",
    "sla_policy",
    "first_responded_at",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "sla_state",
    "merged_into",
    "url",
)

_CUSTOMER_WRITERS = tuple((name, WRITERS[name]) for name in CUSTOMER_FIELDS)
_AGENT_WRITERS = tuple((name, WRITERS[name]) for name in AGENT_FIELDS)


def ticket_customer_data(ticket: Any, *, page: Page) -> dict[str, Any]:
    """What a customer (and the portal) sees of a ticket: CUSTOMER_FIELDS."""
    return {name: write(ticket, page) for name, write in _CUSTOMER_WRITERS}


def ticket_agent_data(ticket: Any, *, page: Page) -> dict[str, Any]:
    """An agent's view of a ticket (and a webhook payload's `ticket`): AGENT_FIELDS."""
    return {name: write(ticket, page) for name, write in _AGENT_WRITERS}
