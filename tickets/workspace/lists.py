"""The agent workspace's ticket lists: queues (built-in views), tab counts, paging, SLA labels.

Rows load through tickets.selectors.ticket_list_for (scoped, filtered, sorted); nothing here writes.
The ticket page's timeline is in tickets.workspace.timeline.
"""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk import dates
from helpdesk.addresses import ids_pattern
from helpdesk.models import Priority, Role, User
from helpdesk.paging import Page, peek_page
from helpdesk.statements import STAND_IN_ID, STAND_IN_MOMENT, Compiled
from tickets import selectors
from tickets.models import Channel, Referral, SlaState, Status, Ticket

PAGE_SIZE = 50
COUNT_CAP = 1000  # tab counts stop here ("999+"), so a count never scans a million rows
SOLVED_RECENTLY = timedelta(days=7)

# --- queues -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    key: str
    label: Any


VIEWS = (
    View("mine", gettext_lazy("Mine")),
    View("unassigned", gettext_lazy("Unassigned in my teams")),
    View("open", gettext_lazy("All open")),
    View("pending", gettext_lazy("Pending")),
    View("on_hold", gettext_lazy("On hold")),
    View("solved", gettext_lazy("Solved recently")),
    View("all", gettext_lazy("All")),
)
VIEW_KEYS = tuple(v.key for v in VIEWS)


def apply_view(qs: QuerySet[Ticket], *, view: str, user: User, now: datetime | None = None) -> QuerySet[Ticket]:
    """One of the built-in views: mine, my teams' unassigned, all open, pending, on hold, solved recently."""
    now = now or timezone.now()
    if view == "mine":
        return qs.open().filter(assignee=user)
    if view == "unassigned":
        return qs.open().unassigned().filter(team__in=user.teams.all())
    if view == "open":
        return qs.open()
    if view == "pending":
        return qs.filter(status=Status.PENDING)
    if view == "on_hold":
        return qs.filter(status=Status.ON_HOLD)
    if view == "solved":
        return qs.filter(status=Status.SOLVED, solved_at__gte=now - SOLVED_RECENTLY)
    return qs


# The agent list's filter form fields that are ticket filters (tickets.filters, by the same names).
FILTER_NAMES = (
    *("q", "status", "priority", "type", "channel", "team", "assignee", "tag", "sla_state", "follow_up"),
    *("requester", "custom_status"),
)

SORTS = {
    "updated": gettext_lazy("Last update"),
    "due": gettext_lazy("SLA due"),
    "priority": gettext_lazy("Priority"),
}


def list_filters(cleaned: dict) -> dict[str, Any]:
    """The ticket filters in a TicketFilterForm's cleaned data, as the API's parameters (a team by id)."""
    filters = {name: cleaned[name] for name in FILTER_NAMES if cleaned.get(name)}
    if "team" in filters:
        filters["team"] = filters["team"].pk
    return filters


def queue_for(*, user: User, view: str, filters: dict, sort: str) -> QuerySet[Ticket]:
    """A built-in view of the tickets the user may see, filtered (list_filters) and sorted (SORTS)."""
    return apply_view(selectors.ticket_list_for(user=user, filters=filters, ordering=sort), view=view, user=user)


def open_referrals_for(*, user: User, team_ids: list[int]) -> QuerySet[Referral]:
    """Open referrals to the user's teams on tickets they may see, the soonest due first (the home
    page's section and its full list, agent:referrals)."""
    return Referral.objects.filter(
        ticket__in=selectors.ticket_base_for(user=user), to_team__in=team_ids, state=Referral.State.OPEN
    ).order_by(F("due_at").asc(nulls_last=True), "id")


def paginate(qs: QuerySet[Ticket], *, page: int) -> Page:
    """One page of rows (PAGE_SIZE) without a total count (helpdesk.paging)."""
    return peek_page(qs, number=page, size=PAGE_SIZE)


COMPILED_PAGES = 3  # the first pages of an unfiltered view read through statements compiled once


def queue_page(*, user: User, view: str, filters: dict, sort: str, page: int) -> Page:
    """One page of queue_for's rows as LIST_FIELDS values (paginate). The first COMPILED_PAGES pages of
    a view with no filter, an agent's everyday lists, run statements compiled once per process for each
    view, sort and page (selectors.visible_fetch: the same queryset, built with stand-ins for the
    agent and the moment); a filtered list or a later page is built and compiled on each request."""
    page = max(1, page)
    if filters or page > COMPILED_PAGES:
        return paginate(
            queue_for(user=user, view=view, filters=filters, sort=sort).values(*selectors.LIST_FIELDS), page=page
        )
    start = (page - 1) * PAGE_SIZE

    def build(visible: QuerySet[Ticket], *, agent_id: int = STAND_IN_ID, since: datetime = STAND_IN_MOMENT) -> QuerySet:
        agent = User(pk=agent_id, role=Role.AGENT)
        rows = apply_view(selectors.ORDERINGS[sort](visible), view=view, user=agent, now=since + SOLVED_RECENTLY)
        return rows.values(*selectors.LIST_FIELDS)[start : start + PAGE_SIZE + 1]

    # which of the agent's values the view's statement reads: their id, the start of "recently"
    values: dict[str, Any] = {"agent_id": user.pk} if view in ("mine", "unassigned") else {}
    if view == "solved":
        values["since"] = timezone.now() - SOLVED_RECENTLY
    name = f"agent-queue:{view}:{sort}:{page}"
    rows = selectors.visible_fetch(user=user, name=name, build=build, **values)
    return Page(rows=rows[:PAGE_SIZE], number=page, has_next=len(rows) > PAGE_SIZE)


def capped_counts_sql(querysets: list[QuerySet]) -> tuple[str, list] | None:
    """capped_counts()'s statement and parameters; None when every count is 0 without asking."""
    parts, params = [], []
    for i, qs in enumerate(querysets):
        try:
            sql, qs_params = qs.order_by().values("pk")[:COUNT_CAP].query.sql_with_params()
        except EmptyResultSet:  # e.g. "my teams' queue" of someone in no team: nothing to count
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS c{i})")  # noqa: S608 (SQL from the ORM, values as params)
        params.extend(qs_params)
    if all(part == "0" for part in parts):
        return None
    return "SELECT " + ", ".join(parts), params


def _run_counts(db: str, statement: tuple[str, list] | None, size: int) -> list[int]:
    if statement is None:
        return [0] * size
    with connections[db].cursor() as cursor:
        cursor.execute(*statement)
        return list(cursor.fetchone())


def capped_counts(querysets: list[QuerySet]) -> list[int]:
    """The rows of each queryset counted up to COUNT_CAP, all in one query (one round trip, not one per count):
    SELECT (SELECT COUNT(*) FROM (... LIMIT n) c0), (SELECT COUNT(*) FROM (... LIMIT n) c1), ..."""
    if not querysets:
        return []
    return _run_counts(querysets[0].db, capped_counts_sql(querysets), len(querysets))


def count_label(count: int) -> str:
    text = f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)
    return dates.persian_digits(text) if translation.get_language() == "fa" else text


@dataclass
class Tab:
    key: str
    label: Any
    count: str
    active: bool


# The agent tabs' count statement depends on the agent only through their id and on the clock only
# through "solved since": compiled once per process (helpdesk.statements; compiling the seven
# querysets was about half of the tabs' time). Customers and anyone else the visibility rules narrow
# take the ORM's way.
def tab_querysets(user: User, now: datetime) -> list[QuerySet[Ticket]]:
    base = selectors.ticket_base_for(user=user)
    return [apply_view(base, view=v.key, user=user, now=now) for v in VIEWS]


def _agent_tab_statement(agent_id: int, since: datetime) -> tuple[str, str, list]:
    querysets = tab_querysets(User(pk=agent_id, role=Role.AGENT), since + SOLVED_RECENTLY)
    return (querysets[0].db, *capped_counts_sql(querysets))


_AGENT_TABS = Compiled(_agent_tab_statement, {"agent_id": STAND_IN_ID, "since": STAND_IN_MOMENT})


def tab_counts(user: User, now: datetime) -> list[int]:
    if selectors.ticket_visibility_q(user) is not None or user.is_customer:
        querysets = tab_querysets(user, now)
        return _run_counts(querysets[0].db, capped_counts_sql(querysets), len(VIEWS))
    db, sql, params = _AGENT_TABS.statement(agent_id=user.pk, since=now - SOLVED_RECENTLY)
    return _run_counts(db, (sql, params), len(VIEWS))


def view_tabs(*, user: User, active: str, counts: list[int] | None = None, counted: bool = True) -> list[Tab]:
    """The built-in views with their (capped) counts: one query, no joins. counted=False: the tabs
    without their counts (the list page's, filled in after it by the counts' own request)."""
    if not counted:
        return [Tab(v.key, v.label, "", v.key == active) for v in VIEWS]
    counts = tab_counts(user, timezone.now()) if counts is None else counts
    return [Tab(v.key, v.label, count_label(count), v.key == active) for v, count in zip(VIEWS, counts, strict=True)]


# --- rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaTexts:
    """The words of the SLA badges and spans in the active language, looked up once per process and
    language (a list of 50 rows looked them up some 250 times)."""

    targets: tuple[str, str, str]  # first response, next response, resolution
    breached: str
    overdue: str
    left: str
    spans: tuple[str, str, str, str]  # "%(d)sd %(h)sh", "%(h)sh", "%(h)sh %(m)sm", "%(m)sm"
    persian: bool


def sla_texts() -> SlaTexts:
    return _sla_texts(translation.get_language())


@functools.cache
def _sla_texts(language: str | None) -> SlaTexts:
    """sla_texts in one language, looked up once per process (the catalogues do not change while it runs)."""
    return SlaTexts(
        targets=(_("First response"), _("Next response"), _("Resolution")),
        breached=_("Breached"),
        overdue=_("%(time)s overdue"),
        left=_("%(time)s left"),
        spans=(_("%(d)sd %(h)sh"), _("%(h)sh"), _("%(h)sh %(m)sm"), _("%(m)sm")),
        persian=language == "fa",
    )


def duration_text(delta: timedelta, texts: SlaTexts | None = None) -> str:
    """A span as the lists show it: "2d 3h", "4h", "1h 5m", "12m" (Persian digits in fa)."""
    texts = texts or sla_texts()
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 60 * 24)
    hours, minutes = divmod(rest, 60)
    if days:
        text = texts.spans[0] % {"d": days, "h": hours}
    elif hours and not minutes:
        text = texts.spans[1] % {"h": hours}
    elif hours:
        text = texts.spans[2] % {"h": hours, "m": minutes}
    else:
        text = texts.spans[3] % {"m": minutes}
    return dates.persian_digits(text) if texts.persian else text


@dataclass(frozen=True)
class SlaBadge:
    text: str
    css: str
    due_at: datetime | None
    title: str


def next_due(ticket: Ticket, texts: SlaTexts | None = None) -> tuple[datetime | None, str]:
    """The earliest running SLA clock: (due time, which target)."""
    dues = (ticket.first_response_due_at, ticket.next_response_due_at, ticket.resolution_due_at)
    running = [(due, i) for i, due in enumerate(dues) if due is not None]
    if not running:
        return None, ""
    due, which = min(running, key=lambda item: item[0])  # the first of equal ones, as before
    return due, (texts or sla_texts()).targets[which]


def sla_badge(ticket: Ticket, *, now: datetime | None = None, texts: SlaTexts | None = None) -> SlaBadge | None:
    """Time left or overdue on the next SLA target, coloured by the stored sla_state."""
    now = now or timezone.now()
    if ticket.status not in (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD):
        return None  # solved and closed tickets have no clock left to watch
    texts = texts or sla_texts()
    due, which = next_due(ticket, texts)
    if due is None:
        if ticket.sla_state == SlaState.BREACHED:
            return SlaBadge(texts.breached, "sla-breached", None, "")
        return None
    if due <= now or ticket.sla_state == SlaState.BREACHED:
        text = texts.overdue % {"time": duration_text(now - due, texts)} if due <= now else texts.breached
        return SlaBadge(text, "sla-breached", due, which)
    # Due soon is the policy's warning (its percent or minutes before due, stored as sla_state by the
    # SLA sweep): the same moment the home page's "due soon" list, the filter and the notification use.
    css = "sla-warning" if ticket.sla_state == SlaState.WARNING else "sla-ok"
    return SlaBadge(texts.left % {"time": duration_text(due - now, texts)}, css, due, which)


def decorate_rows(rows: list[Ticket], *, now: datetime | None = None) -> list[Ticket]:
    now = now or timezone.now()
    texts = sla_texts()
    for ticket in rows:
        ticket.sla = sla_badge(ticket, now=now, texts=texts)
    return rows


@functools.cache
def _choice_labels(language: str | None) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The status, priority and channel labels in one language, translated once per process."""
    return tuple({value: str(label) for value, label in choices.choices} for choices in (Status, Priority, Channel))


def list_rows(rows: list[Ticket], *, now: datetime | None = None) -> list[Ticket]:
    """decorate_rows() plus what the ticket list's cells print: the link and the choice labels.

    Worked out here once per row, so the template only prints attributes (per-row get_FOO_display()
    and {% url %} were a good part of the page's rendering time).
    """
    statuses, priorities, channels = _choice_labels(translation.get_language())
    address = ids_pattern("agent:ticket")
    for ticket in decorate_rows(rows, now=now):
        ticket.url = address.format(ticket.pk)
        # A team's own status shows instead of its base where the rows carry it (ticket_list_for and
        # the home page join it; a list loading fewer columns shows the base): never a query per row.
        custom = ticket.custom_status if ticket.__dict__.get("custom_status_id") else None
        ticket.status_label = custom.display_name if custom is not None else statuses.get(ticket.status, ticket.status)
        ticket.priority_label = priorities.get(ticket.priority, ticket.priority)
        ticket.channel_label = channels.get(ticket.channel, ticket.channel)
    return rows
