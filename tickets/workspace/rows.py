"""The agent ticket list's table rows, its tabs and its header cells as HTML, the one place their markup
lives.

Django's template engine took 170-350 µs a row for this table (some 40 variable lookups, filters and
conditions per row; 50 rows were most of the list page's time). Here each row is a few f-strings with
every value escaped as the template escaped it (html.escape, which is what django.utils.html.escape
does, without its lazy-string checks). The cells follow saved_views.COLUMNS, as the header in
tickets/agent/tickets.html does; the HTML is the same the template wrote (bench/html_snapshot.py). Text people wrote (subject, names,
tags) is isolated (dir="auto" or <bdi>) so a Persian name keeps its shape in the English list and back.
"""

from html import escape as _html_escape

from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from helpdesk import dates
from helpdesk.paging import query_with
from tickets.list_rows import ListRef, TicketListRow

_NO_TAGS = '<span class="muted">—</span>'


def _e(value) -> str:
    return _html_escape(str(value))


class _Escaped(dict):
    """Escaped text by its value, each value escaped once per page: a list's labels, badges' classes and
    people repeat from row to row."""

    def __missing__(self, value) -> str:
        text = self[value] = _html_escape(str(value))
        return text


def _person(ref: ListRef) -> str:
    """A contact or an agent as Contact/User __str__ writes them: the name, else the address."""
    return ref.name or ref.email or ""


class _Cells:
    """What every row's cells need once per page: the language, the time zone, escaped repeats; and
    `writers`, each shown column's cell as a method of (row, its link), looked up once per page."""

    def __init__(self, show: dict[str, bool]) -> None:
        self.language = translation.get_language() or "en"
        self.zone = timezone.get_current_timezone()
        self.e = _Escaped()
        self.unassigned = f'<span class="muted">{_e(_("Unassigned"))}</span>'
        self.with_requester = not show["requester"] and not show["organization"]
        self.without_requester = show["requester"]
        self.writers = {key: getattr(self, f"cell_{key}") for key, shown in show.items() if shown}

    def when(self, value) -> str:
        """<time> with the ISO moment in the active time zone and the moment as people read it."""
        local = value.astimezone(self.zone)
        return (
            f'<td class="small muted"><time datetime="{local.isoformat()}">'
            f"{self.e[dates.format_local(local, self.language)]}</time></td>"
        )

    def cell_number(self, ticket: TicketListRow, url: str) -> str:
        number = dates.persian_digits(ticket.pk) if self.language == "fa" else ticket.pk
        return f'<td class="num"><a href="{url}">#{number}</a></td>'

    def cell_subject(self, ticket: TicketListRow, url: str) -> str:
        who, e = "", self.e
        if not self.without_requester:
            org = ticket.organization
            org = f" · <bdi>{e[org.name]}</bdi>" if org and self.with_requester else ""
            who = f'<span class="muted small block truncate"><bdi>{e[_person(ticket.requester)]}</bdi>{org}</span>'
        subject = _e(ticket.subject)
        return (
            f'<td class="col-subject">\n          <a class="subject truncate" dir="auto" href="{url}" '
            f'data-nav-link title="{subject}">{subject}</a>\n          {who}\n        </td>'
        )

    def cell_requester(self, ticket: TicketListRow, url: str) -> str:
        return f'<td class="small" dir="auto">{self.e[_person(ticket.requester)]}</td>'

    def cell_organization(self, ticket: TicketListRow, url: str) -> str:
        return f'<td class="small" dir="auto">{self.e[(ticket.organization and ticket.organization.name) or "—"]}</td>'

    def cell_status(self, ticket: TicketListRow, url: str) -> str:
        e = self.e
        return f'<td><span class="badge status-{e[ticket.status]}">{e[ticket.status_label]}</span></td>'

    def cell_priority(self, ticket: TicketListRow, url: str) -> str:
        e = self.e
        return f'<td><span class="badge prio-{e[ticket.priority]}">{e[ticket.priority_label]}</span></td>'

    def cell_sla(self, ticket: TicketListRow, url: str) -> str:
        sla, e = ticket.sla, self.e
        if not sla:
            return '<td><span class="muted">—</span></td>'
        due = dates.format_local(sla.due_at.astimezone(self.zone), self.language) if sla.due_at else ""
        return f'<td><span class="badge {e[sla.css]}" title="{e[sla.title]}: {e[due]}">{e[sla.text]}</span></td>'

    def cell_team(self, ticket: TicketListRow, url: str) -> str:
        return f'<td class="small" dir="auto">{self.e[(ticket.team and ticket.team.display_name) or "—"]}</td>'

    def cell_assignee(self, ticket: TicketListRow, url: str) -> str:
        assignee = f"<bdi>{self.e[_person(ticket.assignee)]}</bdi>" if ticket.assignee else self.unassigned
        return f'<td class="small">{assignee}</td>'

    def cell_channel(self, ticket: TicketListRow, url: str) -> str:
        return f'<td class="small">{self.e[ticket.channel_label]}</td>'

    def cell_tags(self, ticket: TicketListRow, url: str) -> str:
        tags = "".join(f'<span class="badge tag" dir="auto">{self.e[name]}</span> ' for name in ticket.tag_names)
        return '<td class="small">' + (tags or _NO_TAGS) + "</td>"

    def cell_created(self, ticket: TicketListRow, url: str) -> str:
        return self.when(ticket.created_at)

    def cell_updated(self, ticket: TicketListRow, url: str) -> str:
        return self.when(ticket.updated_at)


def ticket_rows_html(rows: list[TicketListRow], *, show: dict[str, bool]) -> SafeString:
    """The <tr> of each row (selectors.ticket_rows, decorated by lists.list_rows), with the cells `show`
    names, in column order. Each row's link (lists.list_rows: reverse_ids' pattern, digits and slashes),
    ids and ISO moments are written as they are; every other value is escaped."""
    cells = _Cells(show)
    # Each shown cell with the text before it: a column not shown leaves its line empty, as the
    # template's loop did.
    writers, before = [], ""
    for key, shown in show.items():
        if shown:
            writers.append((before + "        ", cells.writers[key]))
            before = "\n"
        else:
            before += "        \n"
    end = before + "      </tr>\n      "
    # The label escaped once: html.escape writes no "%", so the number goes in after (digits only).
    select = _e(_("Select ticket #%(number)s"))
    out = []
    for ticket in rows:
        url, pk = ticket.url, ticket.pk
        out.append(
            f'\n      <tr data-nav-item>\n        <td class="col-check"><input type="checkbox" name="tickets" '
            f'value="{pk}" form="bulk" aria-label="{select % {"number": pk}}"></td>\n'
        )
        for text, write in writers:
            out.append(text)
            out.append(write(ticket, url))
        out.append(end)
    return mark_safe("".join(out))  # noqa: S308 (every value in it went through _e or _Escaped)


def ticket_tabs_html(tabs: list, *, saved_views: list, saved, get: QueryDict) -> SafeString:
    """What the list's <nav class="tabs"> holds (tickets/agent/tickets.html): each built-in view (lists.Tab),
    a link to this list's query (`get`) with that view, then the agent's saved views, a view shared with
    a team naming it. As the template's two loops wrote it, character for character."""
    out = []
    for tab in tabs:
        current = 'aria-current="page"' if tab.active else ""
        out.append(
            f'\n  <a href="{_e(query_with(get, view=tab.key))}" {current}>{_e(tab.label)} '
            f'<span class="count" id="tab-count-{_e(tab.key)}">{_e(tab.count)}</span></a>\n  '
        )
    out.append("\n  ")
    shared_with = _("Shared with %(team)s")
    for index, view in enumerate(saved_views):
        first = " saved-first" if index == 0 else ""
        current = 'aria-current="page"' if saved is not None and saved.pk == view.pk else ""
        mark = ""
        if view.shared_with_team_id:
            team = _e(view.shared_with_team.display_name)
            mark = f' <span class="shared-mark" title="{shared_with % {"team": team}}">{team}</span>'
        out.append(f'\n  <a href="?view={view.pk}" class="saved-tab{first}" {current}>{_e(view.name)}{mark}</a>\n  ')
    out.append("\n")
    return mark_safe("".join(out))  # noqa: S308 (every value in it went through _e; the ids are numbers)


# The columns whose header sorts the list, by the sort they ask for.
_SORTED_BY = {"priority": "priority", "sla": "due", "updated": "updated"}


def ticket_header_html(column_labels: list, *, sort: str, get: QueryDict) -> SafeString:
    """The list's header cells after the select-all box, in column order: the number, the columns that sort
    the list (a link to this list's query, `get`, sorted by it), and the others' labels. As the template's
    loop wrote them, character for character."""
    out = []
    for key, label in column_labels:
        if key == "number":
            cell = '<th scope="col">#</th>\n        '
        elif key in _SORTED_BY:
            by = _SORTED_BY[key]
            current = 'aria-current="true"' if sort == by else ""
            cell = f'<th scope="col"><a href="{_e(query_with(get, sort=by))}" {current}>{_e(label)}</a></th>\n        '
        else:
            cell = f'<th scope="col">{_e(label)}</th>'
        out.append(f"\n        {cell}\n        ")
    return mark_safe("".join(out))  # noqa: S308 (every value in it went through _e)


def ticket_cards_html(rows: list, *, empty_text: str) -> SafeString:
    """The home page's compact rows (rows decorated by lists.list_rows): what
    tickets/agent/_ticket_table.html writes, character for character (tests/tickets/test_agent_lists_fast.py
    renders both), without a template render per row: the home page and the ticket page's other tickets of the
    requester. The contact page still includes the template."""
    if not rows:
        return mark_safe(f'\n<p class="empty-state">{_e(empty_text)}</p>\n')  # noqa: S308 (escaped)
    language = translation.get_language()
    out = ['\n\n<ul class="ag-trows" data-nav-list>\n  ']
    for ticket in rows:
        url, subject = _e(ticket.url), _e(ticket.subject)
        number = dates.persian_number(str(ticket.pk)) if language == "fa" else str(ticket.pk)
        priority = ticket.priority
        prio = (
            f'<span class="badge prio-{_e(priority)}">{_e(ticket.priority_label)}</span>'
            if priority != "normal"
            else ""
        )
        sla = ticket.sla
        if sla:
            due = dates.format_datetime(sla.due_at, language or "en") if sla.due_at else ""
            sla = f'<span class="badge {_e(sla.css)}" title="{_e(sla.title)}: {_e(due)}">{_e(sla.text)}</span>'
        out.append(
            f'\n  <li class="ag-trow" data-nav-item>\n    <a class="num" href="{url}" tabindex="-1">#{_e(number)}</a>\n'
            f'    <a class="subject truncate" dir="auto" href="{url}" data-nav-link title="{subject}">{subject}</a>\n'
            f'    <span class="ag-trow-badges">\n      <span class="badge status-{_e(ticket.status)}">'
            f"{_e(ticket.status_label)}</span>\n      {prio}\n      {sla or ''}\n    </span>\n  </li>\n  "
        )
    out.append("\n</ul>\n\n")
    return mark_safe("".join(out))  # noqa: S308 (every value in it went through _e)
