"""Every write to the list of custom statuses (administrators only; the admin and the API call these).
Choosing one on a ticket is tickets.services.status's, never here."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from helpdesk.exceptions import Conflict
from helpdesk.models import Team, User
from helpdesk.permissions import require_admin
from tickets.models import CustomStatus, Ticket

FIELDS = ("name", "name_fa", "customer_name", "customer_name_fa", "base_status", "is_active", "position", "teams")
_TEXT = ("name", "name_fa", "customer_name", "customer_name_fa")


def _save(custom: CustomStatus, teams: Iterable[Team] | None) -> CustomStatus:
    for name in _TEXT:
        setattr(custom, name, (getattr(custom, name) or "").strip())
    custom.full_clean()
    custom.save()
    if teams is not None:
        custom.teams.set(teams)
    return custom


def _unknown(fields: Iterable[str]) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})


@transaction.atomic
def custom_status_create(*, actor: User, **fields: Any) -> CustomStatus:
    """A new custom status; ValidationError naming the field for a missing label or a base status that
    cannot have custom ones (new, closed)."""
    require_admin(actor)
    _unknown(fields)
    teams = fields.pop("teams", None)
    return _save(CustomStatus(**fields), teams)


@transaction.atomic
def custom_status_update(*, actor: User, custom: CustomStatus, changes: Mapping[str, Any]) -> CustomStatus:
    """Change labels, order, teams or whether it is offered. Its base status changes only while no
    ticket is on it: a ticket's custom status always stands for its status (400 on `base_status`)."""
    require_admin(actor)
    _unknown(changes)
    custom = CustomStatus.objects.select_for_update().get(pk=custom.pk)
    base = changes.get("base_status", custom.base_status)
    if base != custom.base_status and Ticket.objects.filter(custom_status=custom).exists():
        message = _("Tickets are on this status, so what it stands for cannot change. Add a new one.")
        raise ValidationError({"base_status": ValidationError(message, code="in_use")})
    for name in FIELDS:
        if name in changes and name != "teams":
            setattr(custom, name, changes[name])
    return _save(custom, changes.get("teams"))


def custom_status_delete(*, actor: User, custom: CustomStatus) -> None:
    """Delete an unused custom status. One that tickets are on is refused (409 `in_use`): make it
    inactive instead, so it is no longer offered and those tickets keep their history."""
    require_admin(actor)
    try:
        with transaction.atomic():
            custom.delete()
    except ProtectedError as exc:
        raise Conflict(
            _("Tickets are on this status: make it inactive instead (it is then no longer offered)."),
            code="in_use",
        ) from exc
