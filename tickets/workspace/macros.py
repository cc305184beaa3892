"""Macros (canned responses): who sees which, writing them, rendering placeholders, applying one.

A macro body is text written by users, so it is never run through the Django template engine:
`render_placeholders` substitutes a fixed whitelist of `{{name}}` placeholders (tickets.placeholders, the
same as trigger replies') and leaves everything else (unknown placeholders, `{% ... %}`) exactly as written.
"""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.models import Priority, Team, User
from helpdesk.permissions import require_agent as _require_agent
from helpdesk.text import split_items
from tickets import services
from tickets.models import Macro, Message, Status, Ticket, TicketType
from tickets.placeholders import (  # noqa: F401 (PLACEHOLDERS, placeholder_errors: re-exported)
    PLACEHOLDERS,
    placeholder_errors,
    placeholder_values,
    placeholders_fill,
)

# --- reads ------------------------------------------------------------------------------------


def macro_visibility_q(user: User) -> Q:
    """Own macros, macros shared with one of the user's teams, and global ones."""
    return Q(owner=user) | Q(shared_with_team__in=user.teams.all()) | Q(is_global=True)


def macro_list_for(*, user: User) -> QuerySet[Macro]:
    """The macros an agent may use (active or not), by name; customers get none."""
    if not user.is_authenticated or not user.is_agent:
        return Macro.objects.none()
    return (
        Macro.objects.filter(macro_visibility_q(user))
        .select_related("owner", "shared_with_team", "team")
        .order_by("name", "id")
    )


def macro_get_for(*, user: User, macro_id: int, for_edit: bool = False) -> Macro:
    """One macro the user may use (or, `for_edit`, may change: owners and admins), else 404."""
    qs = macro_list_for(user=user)
    if for_edit and user.is_authenticated and user.is_admin:
        qs = Macro.objects.select_related("owner", "shared_with_team", "team")
    macro = qs.filter(pk=macro_id).first()
    if macro is None or (for_edit and not macro_can_edit(user=user, macro=macro)):
        raise Http404("No such macro.")
    return macro


def macro_can_edit(*, user: User, macro: Macro) -> bool:
    """Owners edit their macros; admins edit every macro."""
    return user.is_agent and (user.is_admin or macro.owner_id == user.pk)


# --- rendering --------------------------------------------------------------------------------


def render_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace known `{{name}}` placeholders; unknown ones and any other syntax stay as written."""
    return placeholders_fill(text, values)


def macro_render(*, macro: Macro, ticket: Ticket, agent: User) -> str:
    return render_placeholders(macro.body, placeholder_values(ticket=ticket, agent=agent))


# --- writes -----------------------------------------------------------------------------------


def _clean(
    *, actor: User, name: str, body: str, status: str, priority: str, type: str, shared_with_team, is_global: bool
) -> None:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Give the macro a name.")]
    if not (body or "").strip():
        errors["body"] = [_("Write the text of the macro.")]
    elif problems := placeholder_errors(body):
        errors["body"] = problems
    if status and status not in Status.values:
        errors["status"] = [_("Unknown status.")]
    if priority and priority not in Priority.values:
        errors["priority"] = [_("Unknown priority.")]
    if type and type not in TicketType.values:
        errors["type"] = [_("Unknown type.")]
    if is_global and not actor.is_admin:
        errors["is_global"] = [_("Only admins can make a macro for everyone.")]
    if shared_with_team is not None and not actor.is_admin and not actor.teams.filter(pk=shared_with_team.pk).exists():
        errors["shared_with_team"] = [_("You can only share with a team you belong to.")]
    if errors:
        raise ValidationError(errors)


def macro_tags(tags: Sequence[str]) -> list[str]:
    """A macro's "add tags" as stored: lower case, each at most 60 characters, once, sorted."""
    return sorted({t.lower()[:60] for t in split_items(tags)})


@transaction.atomic
def macro_create(
    *,
    actor: User,
    name: str,
    body: str,
    internal: bool = False,
    status: str = "",
    priority: str = "",
    type: str = "",
    team: Team | None = None,
    add_tags: Sequence[str] = (),
    shared_with_team: Team | None = None,
    is_global: bool = False,
    is_active: bool = True,
) -> Macro:
    """A new macro owned by `actor`; sharing with a team needs membership, global needs an admin."""
    _require_agent(actor)
    _clean(
        actor=actor,
        name=name,
        body=body,
        status=status,
        priority=priority,
        type=type,
        shared_with_team=shared_with_team,
        is_global=is_global,
    )
    return Macro.objects.create(
        name=name.strip()[:100],
        body=body,
        internal=internal,
        status=status,
        priority=priority,
        type=type,
        team=team,
        add_tags=macro_tags(add_tags),
        owner=actor,
        shared_with_team=shared_with_team,
        is_global=is_global,
        is_active=is_active,
    )


MACRO_FIELDS = (
    "name",
    "body",
    "internal",
    "status",
    "priority",
    "type",
    "team",
    "add_tags",
    "shared_with_team",
    "is_global",
    "is_active",
)


@transaction.atomic
def macro_update(*, macro: Macro, actor: User, **changes) -> Macro:
    """Change a macro's fields (owner or admin only; others get a 404 as if it did not exist)."""
    if not macro_can_edit(user=actor, macro=macro):
        raise Http404("No such macro.")
    unknown = set(changes) - set(MACRO_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    values = {name: changes.get(name, getattr(macro, name)) for name in MACRO_FIELDS}
    team_changed = values["shared_with_team"] != macro.shared_with_team
    _clean(
        actor=actor,
        name=values["name"],
        body=values["body"],
        status=values["status"],
        priority=values["priority"],
        type=values["type"],
        # only what changes is checked: an agent may keep editing a macro an admin made global
        shared_with_team=values["shared_with_team"] if team_changed else None,
        is_global=bool(values["is_global"]) and not macro.is_global,
    )
    values["name"] = values["name"].strip()[:100]
    values["add_tags"] = macro_tags(values["add_tags"])
    for name, value in values.items():
        setattr(macro, name, value)
    macro.updated_at = timezone.now()
    macro.save()
    return macro


@transaction.atomic
def macro_delete(*, macro: Macro, actor: User) -> None:
    """Delete a macro (owner or admin only)."""
    if not macro_can_edit(user=actor, macro=macro):
        raise Http404("No such macro.")
    macro.delete()


@transaction.atomic
def macro_apply(*, macro: Macro, ticket: Ticket, actor: User, now: datetime | None = None) -> Message:
    """Post the macro's rendered reply or note and apply its field changes, all or nothing.

    The status change goes with the message (tickets.services.ticket_reply checks the transition);
    priority, type, team and tags go through ticket_update. Counts the use with an F() update.
    """
    _require_agent(actor)
    if not macro.is_active:
        raise ValidationError({"macro": [_("This macro is switched off.")]})
    if not macro_list_for(user=actor).filter(pk=macro.pk).exists():
        raise Http404("No such macro.")
    now = now or timezone.now()
    message = services.ticket_reply(
        ticket=ticket,
        actor=actor,
        body=macro_render(macro=macro, ticket=ticket, agent=actor),
        internal=macro.internal,
        status=macro.status or None,
        now=now,
    )
    changes = {name: getattr(macro, name) for name in ("priority", "type") if getattr(macro, name)}
    if macro.team_id:
        changes["team"] = macro.team
    tags = None
    if macro.add_tags:
        tags = [t.name for t in ticket.tags.all()] + list(macro.add_tags)
    if changes or tags is not None:
        services.ticket_update(ticket=ticket, actor=actor, changes=changes, tags=tags, now=now)
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1)
    return message
