"""The agent ticket list's table rows as HTML, the one place their markup lives.

Django's template engine took 170-350 µs a row for this table (some 40 variable lookups, filters and
conditions per row; 50 rows were most of the list page's time). Here each row is a few f-strings with
every value escaped as the template escaped it (html.escape, which is what django.utils.html.escape
does, without its lazy-string checks). The cells follow saved_views.COLUMNS, as the header in
tickets/agent/tickets.html does; the HTML is the same the template wrote (bench/html_snapshot.py). Text people wrote (subject, names,
tags) is isolated (dir="auto" or <bdi>) so a Persian name keeps its shape in the English list and back.
"""

from html import escape as _html_escape

from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from helpdesk import dates
from tickets.list_rows import ListRef, TicketListRow

_NO_TAGS = '<span class="muted">—</span>'


def _e(value) -> str:
    return _html_escape(str(value))


def _person(ref: ListRef) -> str:
    """A contact or an agent as Contact/User __str__ writes them: the name, else the address."""
    return ref.name or ref.email or ""


def _when(value, language: str) -> str:
    """<time> with the ISO moment in the active time zone and the moment as people read it."""
    local = timezone.localtime(value)
    return f'<td class="small muted"><time datetime="{_e(local.isoformat())}">{_e(dates.format_local(local, language))}</time></td>'


def _sla(ticket: TicketListRow, language: str) -> str:
    sla = ticket.sla
    if not sla:
        return '<td><span class="muted">—</span></td>'
    due = dates.format_datetime(sla.due_at, language) if sla.due_at else ""
    return f'<td><span class="badge {_e(sla.css)}" title="{_e(sla.title)}: {_e(due)}">{_e(sla.text)}</span></td>'


def _subject(ticket: TicketListRow, show: dict[str, bool]) -> str:
    who = ""
    if not show["requester"]:
        org = (
            f" · <bdi>{_e(ticket.organization.name)}</bdi>" if ticket.organization and not show["organization"] else ""
        )
        who = f'<span class="muted small block truncate"><bdi>{_e(_person(ticket.requester))}</bdi>{org}</span>'
    subject = _e(ticket.subject)
    return (
        f'<td class="col-subject">\n          <a class="subject truncate" dir="auto" href="{_e(ticket.url)}" '
        f'data-nav-link title="{subject}">{subject}</a>\n          {who}\n        </td>'
    )


def _tags(ticket: TicketListRow) -> str:
    tags = "".join(f'<span class="badge tag" dir="auto">{_e(name)}</span> ' for name in ticket.tag_names)
    return '<td class="small">' + (tags or _NO_TAGS) + "</td>"


def _cell(key: str, ticket: TicketListRow, show: dict[str, bool], language: str, unassigned: str) -> str:
    if key == "number":
        number = dates.persian_digits(ticket.pk) if language == "fa" else str(ticket.pk)
        return f'<td class="num"><a href="{_e(ticket.url)}">#{number}</a></td>'
    if key == "subject":
        return _subject(ticket, show)
    if key == "requester":
        return f'<td class="small" dir="auto">{_e(_person(ticket.requester))}</td>'
    if key == "organization":
        return f'<td class="small" dir="auto">{_e((ticket.organization and ticket.organization.name) or "—")}</td>'
    if key in ("status", "priority"):
        value, label = getattr(ticket, key), getattr(ticket, f"{key}_label")
        css = "status" if key == "status" else "prio"
        return f'<td><span class="badge {css}-{_e(value)}">{_e(label)}</span></td>'
    if key == "sla":
        return _sla(ticket, language)
    if key == "team":
        return f'<td class="small" dir="auto">{_e((ticket.team and ticket.team.display_name) or "—")}</td>'
    if key == "assignee":
        return (
            f'<td class="small">{f"<bdi>{_e(_person(ticket.assignee))}</bdi>" if ticket.assignee else unassigned}</td>'
        )
    if key == "channel":
        return f'<td class="small">{_e(ticket.channel_label)}</td>'
    if key == "tags":
        return _tags(ticket)
    return _when(getattr(ticket, f"{key}_at"), language)  # created, updated


def ticket_rows_html(rows: list[TicketListRow], *, show: dict[str, bool]) -> SafeString:
    """The <tr> of each row (selectors.ticket_rows, decorated by lists.list_rows), with the cells `show`
    names, in column order."""
    language = translation.get_language() or "en"
    unassigned = f'<span class="muted">{_e(_("Unassigned"))}</span>'
    select = _("Select ticket #%(number)s")
    out = []
    for ticket in rows:
        label = _e(select % {"number": ticket.pk})
        out.append(
            f'\n      <tr data-nav-item>\n        <td class="col-check"><input type="checkbox" name="tickets" '
            f'value="{ticket.pk}" form="bulk" aria-label="{label}"></td>\n'
        )
        for key, shown in show.items():
            out.append("        " + (_cell(key, ticket, show, language, unassigned) if shown else "") + "\n")
        out.append("      </tr>\n      ")
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
