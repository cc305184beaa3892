"""A ticket as other systems read it: the dicts the API's ticket serializers return and the webhook
payloads carry, built here below both (the domain's webhooks do not import the HTTP layer).

One definition of each field: FIELDS says how each field is written (its kind and the attribute it
reads), CUSTOMER_FIELDS and AGENT_FIELDS name each output's fields in order. The API's
TicketCustomerOutput and TicketOutput take their `Meta.fields` from these tuples and declare each
field's type for the schema (DRF refuses a declared field missing from `Meta.fields`; a name here
without a kind fails at import). tests/tickets/test_api_output.py renders tickets through both and
fails when the schema and the dicts disagree in keys, types or nullability, or when DRF's own
rendering of the declared fields gives anything else.

Written here rather than by DRF's field machinery because a list page renders 50 tickets with five
nested references each. bench/api.py, 20,000 tickets on PostgreSQL, 10 alternating runs of 40 calls
(medians, [lowest, highest] run) on a shared, loaded 2-CPU machine: rendering the list's 50 rows
took 0.77 ms [0.70, 0.79] here and 3.75 ms [3.34, 6.34] through DRF's fields (about 0.9 ms to build
the ModelSerializer's fields, then ~57 µs a row against ~15 µs); the whole list call 7.60 ms [6.31,
11.29] against 10.49 ms [8.96, 17.81], +38 % (+55 % in a quieter run: 5.84 against 9.05 ms); one
ticket 5.96 against 6.63 ms. Its cases "list: rendering its 50 rows alone" and "... through DRF's
fields" keep measuring both.
"""

from datetime import datetime, tzinfo
from operator import attrgetter
from typing import Any, NamedTuple

from tickets.models import Status


class Page(NamedTuple):
    """What every ticket of one answer shares: the detail URL up to the id, the time zone to write in."""

    url_prefix: str
    tz: tzinfo


def iso_datetime(value: datetime | None, tz: tzinfo) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601 in the active time zone `tz`, "Z" for UTC."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def person_ref(obj: Any) -> dict | None:
    """A user or contact as `{id, name, email}` (the name falls back to the email, then to the
    contact's phone or number; `email` is null for a contact who has none)."""
    if obj is None:
        return None
    return {"id": obj.pk, "name": obj.full_name or obj.email or str(obj), "email": obj.email}


def named_ref(obj: Any) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def label_ref(obj: Any) -> dict | None:
    """A custom status as `{id, label}`: its agent label in the active language."""
    return {"id": obj.pk, "label": obj.display_name} if obj is not None else None


def customer_label_ref(obj: Any, status: str) -> dict | None:
    """A custom status as a customer reads it, `{id, label}`: its customer label in the active language,
    else the name of the status it stands for (the ticket's `status`); never its agent label."""
    if obj is None:
        return None
    return {"id": obj.pk, "label": obj.customer_text or str(Status(status).label)}


def tag_names(ticket: Any) -> list[str]:
    """A list row (selectors.TicketListRow) carries its tag names; a Ticket has them prefetched."""
    names = getattr(ticket, "tag_names", None)
    return names if names is not None else [tag.name for tag in ticket.tags.all()]


# How each field of a ticket's output is written, as (kind, attribute read): "value" as it is (a
# string, a choice's value, an id: `<relation>_id` for a bare id), "time" (iso_datetime), "person"
# (person_ref), "named" (named_ref), "label" (label_ref; customer_label_ref in the customer's output), "tags" (tag_names of the ticket), "url" (the detail URL of the id).
FIELDS: dict[str, tuple[str, str]] = {
    "id": ("value", "id"),
    "subject": ("value", "subject"),
    "status": ("value", "status"),
    "priority": ("value", "priority"),
    "type": ("value", "type"),
    "channel": ("value", "channel"),
    "requester": ("person", "requester"),
    "organization": ("named", "organization"),
    "team": ("named", "team"),
    "product": ("named", "product"),
    "created_at": ("time", "created_at"),
    "updated_at": ("time", "updated_at"),
    "solved_at": ("time", "solved_at"),
    "closed_at": ("time", "closed_at"),
    "assignee": ("person", "assignee"),
    "tags": ("tags", "id"),
    "contract": ("value", "contract_id"),
    "sla_policy": ("value", "sla_policy_id"),
    "first_responded_at": ("time", "first_responded_at"),
    "first_response_due_at": ("time", "first_response_due_at"),
    "next_response_due_at": ("time", "next_response_due_at"),
    "resolution_due_at": ("time", "resolution_due_at"),
    "sla_state": ("value", "sla_state"),
    "merged_into": ("value", "merged_into_id"),
    "category": ("value", "category_id"),
    "root_cause": ("value", "root_cause_id"),
    "problem": ("value", "problem_id"),
    "custom_status": ("label", "custom_status"),
    "url": ("url", "id"),
}
KINDS = ("value", "time", "person", "named", "label", "tags", "url")


class Layout:
    """One output's fields, in order, compiled from FIELDS: each ticket's attributes are read in one
    call, and only the fields of a kind other than "value" are converted after."""

    def __init__(self, names: tuple[str, ...], *, customer: bool = False) -> None:
        self.names, self._customer = names, customer
        self._read = attrgetter(*(FIELDS[name][1] for name in names))
        kinds = {kind: tuple(name for name in names if FIELDS[name][0] == kind) for kind in KINDS}
        if sum(map(len, kinds.values())) != len(names):
            raise ValueError(f"a field of {names} has a kind outside {KINDS}")
        self._times, self._people, self._named = kinds["time"], kinds["person"], kinds["named"]
        self._tags, self._urls, self._labels = kinds["tags"], kinds["url"], kinds["label"]

    def data(self, ticket: Any, page: Page) -> dict[str, Any]:
        data = dict(zip(self.names, self._read(ticket), strict=True))
        tz = page.tz
        for name in self._times:
            data[name] = iso_datetime(data[name], tz)
        for name in self._people:
            data[name] = person_ref(data[name])
        for name in self._named:
            data[name] = named_ref(data[name])
        for name in self._labels:
            data[name] = customer_label_ref(data[name], ticket.status) if self._customer else label_ref(data[name])
        for name in self._tags:
            data[name] = tag_names(ticket)
        for name in self._urls:
            data[name] = ticket_url(data[name], page)
        return data


def ticket_url(ticket_id: int, page: Page) -> str:
    return f"{page.url_prefix}{ticket_id}/"


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
    "custom_status",
    "url",
)
# An agent's view: the customer's fields (`custom_status` moved, in its agent form), then assignment, tags
# and SLA, then `url`.
AGENT_FIELDS: tuple[str, ...] = (
    *CUSTOMER_FIELDS[:-2],
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
    "category",
    "root_cause",
    "problem",
    "custom_status",
    "url",
)

CUSTOMER = Layout(CUSTOMER_FIELDS, customer=True)
AGENT = Layout(AGENT_FIELDS)


def ticket_customer_data(ticket: Any, *, page: Page) -> dict[str, Any]:
    """What a customer (and the portal) sees of a ticket: CUSTOMER_FIELDS."""
    return CUSTOMER.data(ticket, page)


def ticket_agent_data(ticket: Any, *, page: Page) -> dict[str, Any]:
    """An agent's view of a ticket (and a webhook payload's `ticket`): AGENT_FIELDS."""
    return AGENT.data(ticket, page)
