"""The classification pickers of the agent pages (categories, root causes, custom statuses), read in
one query: a UNION ALL of the active rows of each, so a page offering all three runs one query, not
three (the ticket page and the list page keep their query counts; tests/tickets/test_agent_pages.py).
The ticket list and the ticket page's sidebar also read their agents and teams in the same query
(people=True), the ticket page's composer its activity types and macros (activities=True,
macros=True), and the sidebar its activity types and products (products=True): round trips fewer on
those pages. Each choice of lists is a statement compiled once per
process (helpdesk.statements), and what it reads is kept in the process until one of its tables changes
(helpdesk.shared_lists)."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Case, CharField, Exists, F, IntegerField, OuterRef, Q, Value, When, Window
from django.db.models.functions import Cast, RowNumber
from django.utils import translation

from customers.models import Product
from customers.selectors import product_list_for
from helpdesk import selectors as core_selectors
from helpdesk import shared_lists
from helpdesk.models import Role, Team, User
from helpdesk.names import name_in_language
from helpdesk.permissions import require_agent
from helpdesk.statements import STAND_IN_ID, Compiled
from tickets.models import ActivityType, Category, CustomStatus, Macro, RootCause
from tickets.problems.selectors import category_choices_from
from tickets.statuses.selectors import StatusChoice
from tickets.workspace.macros import macro_list_for

_CATEGORY, _ROOT_CAUSE, _STATUS, _AGENT, _TEAM, _ACTIVITY, _MACRO, _PRODUCT = 1, 2, 3, 4, 5, 6, 7, 8


class PickerAgent(NamedTuple):
    """An agent as a picker names them (User.get_full_name's rule): a tuple, not a model instance, so a
    page's cost does not grow by a model's construction per agent of the helpdesk."""

    pk: int
    full_name: str
    email: str

    def get_full_name(self) -> str:
        return self.full_name or self.email


@dataclass
class Pickers:
    categories: list[tuple[str, str]] = field(default_factory=list)  # as problems.selectors.category_choices
    root_causes: list[tuple[str, str]] = field(default_factory=list)
    statuses: list[StatusChoice] = field(default_factory=list)
    # people=True: the active agents (as picker_agents orders them), the active teams (by name) and the
    # user's own teams, active or not (by name), carrying what pickers print.
    agents: list[PickerAgent] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    my_teams: list[Team] = field(default_factory=list)
    # activities=True: the active activity types (as timetrack.selectors.activity_types_active gives
    # them); macros=True: the active macros the user may use (macro_list_for's), their names alone.
    activities: list[ActivityType] = field(default_factory=list)
    macros: list[Macro] = field(default_factory=list)
    # products=True: the active products by name (the sidebar's sales opportunity picker)
    products: list[Product] = field(default_factory=list)
    # What a page works out from these lists, by the page's own key (the language among it): kept with
    # them (helpdesk.shared_lists), so worked out once per version of the lists, not per request.
    derived: dict = field(default_factory=dict, compare=False, repr=False)

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


def _positioned(qs, kind: int, *columns, order: list):
    """The rows of `qs` as the pickers read them: (kind, id, *columns) with, for position, the row's
    place in SQL's own order by `order` (collation and all)."""
    kind_value = Value(kind, output_field=IntegerField())
    return qs.order_by().values_list(kind_value, "id", *columns, Window(RowNumber(), order_by=order))


def _people_rows(user: User) -> list:
    """The agents and teams as _rows() reads the pickers: (kind, id, name, name_fa or email, text, ref,
    position)."""
    as_text, none = CharField(), Value(None, output_field=IntegerField())
    agents = _positioned(
        core_selectors.agent_list_for(user=user).prefetch_related(None),
        _AGENT,
        "full_name",
        Cast("email", output_field=as_text),
        Value("", output_field=as_text),
        none,
        order=[F("full_name").asc(), F("email").asc()],
    )
    member = Exists(User.teams.through.objects.filter(team_id=OuterRef("pk"), user_id=user.pk))
    teams = _positioned(
        Team.objects.filter(Q(is_active=True) | member),
        _TEAM,
        "name",
        "name_fa",
        Case(When(is_active=True, then=Value("active")), default=Value(""), output_field=as_text),
        Case(When(member, then=Value(1)), default=Value(0), output_field=IntegerField()),
        order=[F("name").asc()],
    )
    return [agents, teams]


def _composer_rows(user: User, *, activities: bool, macros: bool, products: bool) -> list:
    """The activity types, the macros and the products as _rows() reads the pickers, in the order their
    own reads give (ActivityType's: position, name, id; macro_list_for's and Product's: name, id)."""
    as_text, none = CharField(), Value(None, output_field=IntegerField())
    parts = []
    if products:
        empty = Value("", output_field=as_text)
        # who sees which products is decided by product_list_for alone (an agent: every one)
        active = product_list_for(user=user).filter(is_active=True)
        parts.append(
            _positioned(active, _PRODUCT, "name", "name_fa", empty, none, order=[F("name").asc(), F("id").asc()])
        )
    if activities:
        order = [F("position").asc(), F("name").asc(), F("id").asc()]
        active = ActivityType.objects.filter(is_active=True)
        parts.append(
            _positioned(active, _ACTIVITY, "name", "name_fa", Value("", output_field=as_text), none, order=order)
        )
    if macros:
        usable = macro_list_for(user=user).filter(is_active=True).select_related(None)
        empty = Value("", output_field=as_text)
        parts.append(_positioned(usable, _MACRO, "name", empty, empty, none, order=[F("name").asc(), F("id").asc()]))
    return parts


def _query(user: User, *, statuses: bool, categories: bool, root_causes: bool, people: bool, **composer: bool):
    none = Value(None, output_field=IntegerField())
    parts = []
    if statuses:
        parts.append(_rows(_STATUS, CustomStatus.objects.all(), text="base_status", ref="teams__id"))
    if categories:
        parts.append(_rows(_CATEGORY, Category.objects.all(), text=Value(""), ref="parent_id"))
    if root_causes:
        parts.append(_rows(_ROOT_CAUSE, RootCause.objects.all(), text=Value(""), ref=none))
    if people:
        parts.extend(_people_rows(user))
    parts.extend(_composer_rows(user, **composer))
    if not parts:
        raise ValueError("no picker asked for")
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _statement(**lists: bool) -> Compiled:
    # The pickers depend on the user only through their id (their own teams, the macros they may use),
    # and only with people=True or macros=True.
    def build(user_id: int | None = None) -> tuple[str, str, list]:
        query = _query(User(pk=user_id, role=Role.AGENT), **lists)
        return (query.db, *query.query.sql_with_params())

    return Compiled(build, {"user_id": STAND_IN_ID} if lists["people"] or lists["macros"] else {})


# One statement per choice of lists, each compiled once per process.
_PICKERS: dict[tuple[bool, ...], Compiled] = {}


def pickers_load(
    *,
    user: User,
    statuses: bool = True,
    categories: bool = True,
    root_causes: bool = False,
    people: bool = False,
    activities: bool = False,
    macros: bool = False,
    products: bool = False,
) -> Pickers:
    """The active custom statuses (with their teams), and the active categories and root causes when
    asked, in one query; in order (position, label, id). people=True adds the agents and teams;
    activities=True and macros=True what the ticket page's composer offers; products=True the active
    products."""
    require_agent(user)
    lists = {
        "statuses": statuses,
        "categories": categories,
        "root_causes": root_causes,
        "people": people,
        "activities": activities,
        "macros": macros,
        "products": products,
    }
    shape = tuple(lists.values())
    if shape not in _PICKERS:
        _PICKERS[shape] = _statement(**lists)
    per_user = {"user_id": user.pk} if people or macros else {}

    def read() -> Pickers:
        rows = _PICKERS[shape].rows(**per_user)
        return pickers_from_rows(sorted(rows, key=lambda row: (row[0], row[6], row[2], row[1])))

    # kept in this process until one of the tables read changes (helpdesk.shared_lists); the language
    # is in the key: category and root cause names are written in it
    key = ("pickers", shape, per_user.get("user_id"), translation.get_language())
    return shared_lists.kept(user=user, key=key, read=read)


def pickers_from_rows(rows: list[tuple]) -> Pickers:
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
        elif kind == _ACTIVITY:
            found.activities.append(ActivityType(pk=pk, name=name, name_fa=name_fa, is_active=True))
        elif kind == _MACRO:
            found.macros.append(Macro(pk=pk, name=name, is_active=True))
        elif kind == _PRODUCT:
            found.products.append(Product(pk=pk, name=name, name_fa=name_fa, is_active=True))
        elif kind == _ROOT_CAUSE:
            found.root_causes.append((str(pk), name_in_language(name, name_fa)))
        elif kind == _AGENT:
            found.agents.append(PickerAgent(pk, name, name_fa))
        else:
            team = Team(pk=pk, name=name, name_fa=name_fa, is_active=bool(text))
            found.teams.extend([team] if team.is_active else [])
            found.my_teams.extend([team] if ref else [])
    found.statuses = list(statuses.values())
    found.categories = category_choices_from(category_rows)
    return found
