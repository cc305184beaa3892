"""Edits made from a view that may be stale (the agent's properties form, the bulk bar's "add a tag"):
only what the agent changed relative to what they saw is applied, so a change someone else made since
stays; a field both changed is refused with its current value, never silently overwritten.

`seen` maps a field to the value the agent's view showed (a model, its pk, or the choice value; "" or
None for none), and "tags" to the tag names shown. Callers without a view (the API's PATCH, tasks)
pass no `seen`: they send only the fields they mean to change.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tickets.models import Ticket
from tickets.services.common import tag_names_clean


def _key(value: Any) -> str | None:
    """A field's value as the form posts it: a model's pk, a choice's value, None for none."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) and hasattr(value, "pk"):
        return None if value.pk is None else str(value.pk)
    return str(value)


def _shown(ticket: Ticket, field: str) -> str:
    """The field's current value as the page names it (reads a related row: only when refusing)."""
    model_field = Ticket._meta.get_field(field)
    if model_field.is_relation:
        value = getattr(ticket, field)
        return str(value) if value is not None else _("none")
    return str(getattr(ticket, f"get_{field}_display")())


def seen_conflicts(*, ticket: Ticket, wanted: Mapping[str, Any], seen: Mapping[str, Any]) -> dict[str, list[str]]:
    """The fields of `wanted` that someone else changed since the agent saw them, to a value other than
    the one the agent wants, each with a message naming its current value. `ticket` is the locked row."""
    errors: dict[str, list[str]] = {}
    for field, value in wanted.items():
        if field not in seen:
            continue
        current = _key(ticket.serializable_value(field))  # a foreign key: its id
        if current in (_key(seen[field]), _key(value)):
            continue
        errors[field] = [
            _(
                "Someone else changed this to “%(value)s” after you opened the ticket. Your choice was not "
                "saved: save again to replace it, or leave it."
            )
            % {"value": _shown(ticket, field)}
        ]
    return errors


def tags_relative(*, current: Iterable[str], seen: Iterable[str], wanted: Iterable[str]) -> list[str]:
    """The tags to keep: the current ones, less those the agent removed from what they saw, plus those
    they added to it (a tag someone else added or removed meanwhile stays as they left it)."""
    seen_names, wanted_names = tag_names_clean(seen), tag_names_clean(wanted)
    removed, added = seen_names - wanted_names, wanted_names - seen_names
    return sorted((tag_names_clean(current) - removed) | added)


def seen_check(*, ticket: Ticket, seen: Mapping[str, Any], wanted: Mapping[str, Any]) -> None:
    """Refuse (a ValidationError per field, before anything is written) the fields of `wanted` that both
    the agent and someone else changed since the agent's view."""
    errors = seen_conflicts(ticket=ticket, wanted=wanted, seen=seen)
    if errors:
        raise ValidationError(errors)
