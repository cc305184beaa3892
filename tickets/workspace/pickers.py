"""The classification pickers of the agent pages (categories, root causes, custom statuses), read in
one query: a UNION ALL of the active rows of each, so a page offering all three runs one query, not
three (the ticket page and the list page keep their query counts; tests/tickets/test_agent_pages.py)."""

from dataclasses import dataclass, field

from django.db.models import CharField, IntegerField, Value
from django.db.models.functions import Cast

from helpdesk.models import User
from helpdesk.names import name_in_language
from helpdesk.permissions import require_agent
from tickets.models import Category, CustomStatus, RootCause
from tickets.problems.selectors import category_choices_from
from tickets.statuses.selectors import StatusChoice

_CATEGORY, _ROOT_CAUSE, _STATUS = 1, 2, 3


@dataclass
class Pickers:
    categories: list[tuple[str, str]] = field(default_factory=list)  # as problems.selectors.category_choices
    root_causes: list[tuple[str, str]] = field(default_factory=list)
    statuses: list[StatusChoice] = field(default_factory=list)

    def statuses_for(self, *, team_id: int | None) -> list[StatusChoice]:
        return [choice for choice in self.statuses if choice.offered_for(team_id)]


def _rows(kind: int, qs, *, text, ref):
    # no ORDER BY inside the union (SQLite refuses it): the rows are sorted in Python
    return (
        qs.filter(is_active=True)
        .order_by()
        .values_list(
            Value(kind, output_field=IntegerField()),
            "id",
            "name",
            "name_fa",
            Cast(text, output_field=CharField()),
            Cast(ref, output_field=IntegerField()),
            "position",
        )
    )


def pickers_load(*, user: User, categories: bool = True, root_causes: bool = False) -> Pickers:
    """The active custom statuses (with their teams), and the active categories and root causes when
    asked, in one query; in order (position, label, id)."""
    require_agent(user)
    none = Value(None, output_field=IntegerField())
    parts = [_rows(_STATUS, CustomStatus.objects.all(), text="base_status", ref="teams__id")]
    if categories:
        parts.append(_rows(_CATEGORY, Category.objects.all(), text=Value(""), ref="parent_id"))
    if root_causes:
        parts.append(_rows(_ROOT_CAUSE, RootCause.objects.all(), text=Value(""), ref=none))
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    rows = sorted(query, key=lambda row: (row[0], row[6], row[2], row[1]))
    found = Pickers()
    statuses: dict[int, StatusChoice] = {}
    category_rows = []
    for kind, pk, name, name_fa, text, ref, _position in rows:
        if kind == _STATUS:
            choice = statuses.setdefault(pk, StatusChoice(pk, name, name_fa, text, set()))
            if ref is not None:
                choice.team_ids.add(ref)
        elif kind == _CATEGORY:
            category_rows.append((pk, ref, name_in_language(name, name_fa)))
        else:
            found.root_causes.append((str(pk), name_in_language(name, name_fa)))
    found.statuses = list(statuses.values())
    found.categories = category_choices_from(category_rows)
    return found
