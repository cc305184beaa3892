"""Saved views of the ticket list: named filters + sort + columns, mine or shared with my team."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk import shared_lists
from helpdesk.models import Role, Team, User
from helpdesk.permissions import require_agent as _require_agent
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet
from helpdesk.text import normalize_text
from tickets.models import SavedView

# The columns a list may show, in the order they appear.
COLUMNS = {
    "number": gettext_lazy("Number"),
    "subject": gettext_lazy("Subject"),
    "requester": gettext_lazy("Requester"),
    "organization": gettext_lazy("Organization"),
    "status": gettext_lazy("Status"),
    "priority": gettext_lazy("Priority"),
    "sla": gettext_lazy("SLA"),
    "team": gettext_lazy("Team"),
    "assignee": gettext_lazy("Assignee"),
    "channel": gettext_lazy("Channel"),
    "tags": gettext_lazy("Tags"),
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Updated"),
}
DEFAULT_COLUMNS = ("number", "subject", "status", "priority", "sla", "team", "assignee", "updated")
# The list parameters a view keeps (the rest, such as the page, belongs to one visit).
QUERY_KEYS = (
    *("view", "q", "status", "priority", "type", "channel", "team", "assignee", "tag", "sla_state", "follow_up"),
    *("custom_status", "sort"),
)


def ordered_columns(columns: Sequence[str]) -> list[str]:
    """Known columns in display order; the subject is always shown (it is the link to the ticket)."""
    chosen = set(columns) | {"subject"}
    return [key for key in COLUMNS if key in chosen]


def saved_view_list_for(*, user: User) -> QuerySet[SavedView]:
    """The user's own views and those shared with one of their teams, in tab order."""
    if not user.is_authenticated or not user.is_agent:
        return SavedView.objects.none()
    return (
        SavedView.objects.filter(Q(owner=user) | Q(shared_with_team__in=user.teams.all()))
        .select_related("owner", "shared_with_team")
        .order_by("position", "name", "id")
    )


_TABS = CompiledQuerySet(
    lambda user_id: saved_view_list_for(user=User(pk=user_id, role=Role.AGENT)), {"user_id": STAND_IN_ID}
)


def saved_view_tabs_for(*, user: User) -> list[SavedView]:
    """saved_view_list_for's views, for the list's tabs: a statement compiled once per process, its rows
    kept in the process until a view, a user or a team changes (helpdesk.shared_lists)."""
    if not user.is_authenticated or not user.is_agent:
        return []
    return shared_lists.kept(user=user, key=("saved-view-tabs", user.pk), read=lambda: _TABS.fetch(user_id=user.pk))


def saved_view_get_for(*, user: User, view_id: int) -> SavedView:
    """One view the user may use, else 404 (a view shared with another team does not exist)."""
    view = saved_view_list_for(user=user).filter(pk=view_id).first()
    if view is None:
        raise Http404("No such view.")
    return view


def query_from_params(params: QueryDict | dict, *, cleaned: dict) -> dict[str, str]:
    """The raw values of the list parameters that validated and are set (what a view stores)."""
    query = {}
    for key in QUERY_KEYS:
        if cleaned.get(key) not in (None, "", []):
            value = params.get(key)
            if value not in (None, ""):
                query[key] = str(value)[:200]
    return query


def _name_taken(*, actor: User, name: str, shared_with_team: Team | None, view: SavedView | None) -> bool:
    """Another view of the same owner, or shared with the same team, already has this name (case,
    spacing and Persian letter variants alike): two tabs that read the same cannot be told apart."""
    scope = Q(owner=actor) | Q(shared_with_team=shared_with_team) if shared_with_team else Q(owner=actor)
    others = SavedView.objects.filter(scope).exclude(pk=getattr(view, "pk", None)).values_list("name", flat=True)
    key = normalize_text(name)
    return any(normalize_text(other) == key for other in others)


def _check(
    *, actor: User, name: str, columns: Sequence[str], shared_with_team: Team | None, view: SavedView | None = None
) -> None:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Give the view a name.")]
    elif _name_taken(actor=actor, name=name.strip()[:80], shared_with_team=shared_with_team, view=view):
        errors["name"] = [_("There is already a view named “%(name)s”: choose another name.") % {"name": name.strip()}]
    if set(columns) - set(COLUMNS):
        errors["columns"] = [_("Unknown column.")]
    if shared_with_team is not None and not actor.teams.filter(pk=shared_with_team.pk).exists():
        errors["shared_with_team"] = [_("You can only share with a team you belong to.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def saved_view_create(
    *, actor: User, name: str, query: dict, columns: Sequence[str], shared_with_team: Team | None = None
) -> SavedView:
    """Save the list's validated parameters under a name; it goes after the owner's other views."""
    _require_agent(actor)
    _check(actor=actor, name=name, columns=columns, shared_with_team=shared_with_team)
    position = SavedView.objects.filter(owner=actor).count()
    return SavedView.objects.create(
        name=name.strip()[:80],
        owner=actor,
        shared_with_team=shared_with_team,
        query={k: v for k, v in query.items() if k in QUERY_KEYS},
        columns=ordered_columns(columns or DEFAULT_COLUMNS),
        position=position,
    )


@transaction.atomic
def saved_view_update(
    *, view: SavedView, actor: User, name: str, columns: Sequence[str], shared_with_team: Team | None = None
) -> SavedView:
    """Rename a view, change its columns or sharing (its owner only)."""
    if view.owner_id != actor.pk:
        raise Http404("No such view.")
    _check(actor=actor, name=name, columns=columns, shared_with_team=shared_with_team, view=view)
    view.name = name.strip()[:80]
    view.columns = ordered_columns(columns or DEFAULT_COLUMNS)
    view.shared_with_team = shared_with_team
    view.save()
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor: User) -> None:
    """Delete a view (its owner only)."""
    if view.owner_id != actor.pk:
        raise Http404("No such view.")
    view.delete()
