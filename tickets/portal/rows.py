"""The portal's request lists (home, organization) as HTML, the one place their markup lives.

As tickets.workspace.rows does for the agent list: a few f-strings a row, every value escaped as the
template escaped it (html.escape is django.utils.html.escape without its lazy-string checks); the
HTML is the same tickets/portal/_rows.html wrote (bench/html_snapshot.py). Text people wrote (subject,
names) is isolated (dir="auto" or <bdi>).
"""

from html import escape as _html_escape

from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from customers.models import Contact
from helpdesk import dates
from helpdesk.addresses import reverse_ids
from tickets import ratings
from tickets.portal.selectors import PlainStatus, Row


def _e(value) -> str:
    if hasattr(value, "__html__"):  # a status sentence already escaped, names isolated
        return value.__html__()
    return _html_escape(str(value))


def _number(value: int, language: str) -> str:
    return dates.persian_number(str(value)) if language == "fa" else str(value)


def status_html(status: PlainStatus) -> str:
    """A request's plain-words status badge (what tickets/portal/_status.html writes)."""
    return f'<span class="pstatus pstatus-{_e(status.key)}">{_e(status.text)}</span>\n'


def _rating(row: Row, contact: Contact | None, language: str) -> str:
    if row.rating:
        text = _("Rated %(score)s/5") % {"score": _e(_number(row.rating.score, language))}
        return f'<span class="rated muted">{text}</span>'
    # Only where the request's page has the rating form (an open request cannot be rated yet)
    if ratings.can_rate(ticket=row.ticket, contact=contact, rating=None, now=timezone.now()):
        return f'<span class="rate-cta">{_e(_("Rate our help"))}</span>'
    return ""


def _row(row: Row, *, language: str, updated: str, rating: str) -> str:
    ticket = row.ticket
    requester = f" · <bdi>{_e(row.requester)}</bdi>" if row.requester else ""
    iso = _e(timezone.localtime(ticket.updated_at).isoformat())
    when = _e(dates.format_datetime(ticket.updated_at, language))
    return (
        f'\n  <li>\n    <a class="prow" href="{_e(reverse_ids("portal:ticket", ticket.pk))}">\n'
        f'      <span class="prow-main">\n'
        f'        <span class="prow-subject" dir="auto">{_e(ticket.subject)}</span>\n'
        f'        <span class="prow-meta muted">#{_number(ticket.pk, language)}{requester} · {updated} '
        f'<time datetime="{iso}">{when}</time></span>\n'
        f"      </span>\n"
        f'      <span class="prow-end">\n'
        f"        {status_html(row.status)}\n"
        f"        {rating}\n"
        f"      </span>\n    </a>\n  </li>\n  "
    )


def portal_rows_html(rows: list[Row], *, empty_text: str, contact: Contact | None, show_rating: bool) -> SafeString:
    """The <ul> of requests (portal selectors' rows), or the empty-state sentence."""
    if not rows:
        return mark_safe(f'<p class="empty-state">{_e(empty_text)}</p>\n')  # noqa: S308 (escaped)
    language = translation.get_language() or "en"
    updated = _e(_("updated"))
    out = [
        _row(row, language=language, updated=updated, rating=_rating(row, contact, language) if show_rating else "")
        for row in rows
    ]
    return mark_safe('\n<ul class="prows">\n  ' + "".join(out) + "\n</ul>\n\n")  # noqa: S308 (every value escaped)
