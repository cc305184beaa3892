"""A ticket as other systems read it: the dicts the API's ticket serializers return and the webhook
payloads carry, built here below both (the domain's webhooks do not import the HTTP layer).

Built by hand rather than by DRF's field machinery: a list page writes 50 tickets with five nested
references each, and the generic fields were most of the list's time (bench/api.py). The API's
serializers declare the same fields for the schema; tests/tickets/test_api_schema.py checks that
the two agree.
"""

from datetime import datetime, tzinfo
from typing import Any


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


def ticket_customer_data(ticket: Any, *, url_prefix: str, tz: tzinfo) -> dict[str, Any]:
    """What a customer (and the portal) sees of a ticket; `url_prefix` is the detail URL up to the id."""
    return {
        "id": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "channel": ticket.channel,
        "requester": person_ref(ticket.requester),
        "organization": named_ref(ticket.organization),
        "team": named_ref(ticket.team),
        "product": named_ref(ticket.product),
        "created_at": iso_datetime(ticket.created_at, tz),
        "updated_at": iso_datetime(ticket.updated_at, tz),
        "solved_at": iso_datetime(ticket.solved_at, tz),
        "closed_at": iso_datetime(ticket.closed_at, tz),
        "url": f"{url_prefix}{ticket.pk}/",
    }


def ticket_agent_data(ticket: Any, *, url_prefix: str, tz: tzinfo) -> dict[str, Any]:
    """An agent's view of a ticket: the customer's fields, then assignment, tags and SLA, then `url`."""
    data = ticket_customer_data(ticket, url_prefix=url_prefix, tz=tz)
    url = data.pop("url")
    data.update(
        {
            "assignee": person_ref(ticket.assignee),
            "tags": tag_names(ticket),
            "contract": ticket.contract_id,
            "sla_policy": ticket.sla_policy_id,
            "first_responded_at": iso_datetime(ticket.first_responded_at, tz),
            "first_response_due_at": iso_datetime(ticket.first_response_due_at, tz),
            "next_response_due_at": iso_datetime(ticket.next_response_due_at, tz),
            "resolution_due_at": iso_datetime(ticket.resolution_due_at, tz),
            "sla_state": ticket.sla_state,
            "merged_into": ticket.merged_into_id,
            "url": url,
        }
    )
    return data
