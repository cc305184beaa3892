"""The agent ticket page's timeline as HTML, the one place its markup lives (messages and events).

Django's template engine took some 0.4 ms an entry for the timeline (a message card is ~30 lookups,
filters and conditions), most of a long ticket's page. As in tickets.workspace.rows, each entry is a few
f-strings with every value escaped as the template escaped it; the HTML is the same the template wrote
(bench/html_snapshot.py). Referral cards, few and full of forms, still render from
tickets/agent/_referral.html. Text people wrote (names, file names) is isolated (<bdi>, dir="auto").
"""

from html import escape as _html_escape

from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpdesk import dates
from helpdesk.addresses import reverse_ids
from helpdesk.dates import fill
from helpdesk.templatetags.helpdesk import hd_filesize
from tickets.content import remote_images_held
from tickets.models import Message, Ticket
from tickets.workspace.event_sentences import EventView
from tickets.workspace.timeline import Entry


def _e(value) -> str:
    return _html_escape(str(value))


def _attachment_url(attachment) -> str:
    """The download link of an attachment, or "" while the download endpoint does not exist."""
    try:
        return reverse_ids("api-attachment-download", attachment.pk)
    except NoReverseMatch:
        return ""


def _attachment(att) -> str:
    href = _e(_attachment_url(att))
    name = _e(att.original_name)
    thumb = ""
    if href and att.content_type[:6] == "image/" and att.content_type != "image/svg+xml":
        thumb = (
            f'\n          <a href="{href}" class="thumb"><img src="{href}" alt="{name}" loading="lazy"></a>\n          '
        )
    link = (
        f'<a href="{href}" download><bdi class="file-name">{name}</bdi></a>'
        if href
        else f'<bdi class="file-name">{name}</bdi>'
    )
    return (
        f'\n        <li class="attachment">\n          {thumb}\n          {link}\n'
        f'          <span class="muted small file-size">{_e(hd_filesize(att.size))}</span>\n        </li>\n        '
    )


def _attachments(message: Message, labels: dict[str, str]) -> str:
    attachments = list(message.attachments.all())
    if not attachments:
        return ""
    items = "".join(_attachment(att) for att in attachments)
    return (
        f'\n      <ul class="attachments" aria-label="{labels["attachments"]}">\n        {items}\n      </ul>\n      '
    )


def _message(message: Message, ticket: Ticket, language: str, labels: dict[str, str]) -> str:
    if message.internal:
        css, badge = " ag-msg-note", f'<span class="badge note-label">{labels["note"]}</span>'
    elif message.is_from_agent:
        css, badge = " ag-msg-agent", f'<span class="badge">{labels["agent"]}</span>'
    else:
        css, badge = " ag-msg-customer", f'<span class="badge">{labels["customer"]}</span>'
    review = f'<span class="badge sla-warning">{labels["review"]}</span>' if message.needs_review else ""
    original = ""
    if message.inbound_email_id:
        href = _e(reverse_ids("agent:message-original", ticket.pk, message.pk))
        original = f'<a class="small" href="{href}" download>{labels["original"]}</a>'
    when = dates.moment_html(message.created_at, language, css="muted small")
    body, held = (message.body_html, 0) if message.is_from_agent else remote_images_held(message.body_html)
    return (
        f'\n  <li class="tl-item">\n    <article class="ag-msg{css}" id="message-{message.pk}">\n'
        f'      <header class="ag-msg-head">\n'
        f'        <span class="avatar" aria-hidden="true">{_e(message.author_initial)}</span>\n'
        f"        <strong><bdi>{_e(message.author_name)}</bdi></strong>\n"
        f"        {badge}\n        {review}\n"
        f"        {when}\n"
        f"        {original}\n      </header>\n"
        f"{_held_images_bar(held) if held else ''}"
        f'      <div class="ag-msg-body" dir="auto">{body}</div>\n'
        f"      {_attachments(message, labels)}\n    </article>\n  </li>\n  "
    )


def _held_images_bar(held: int) -> str:
    """Above a customer's message whose images from other sites were held back (remote_images_held):
    what happened, and the button that loads them (static/js/agent.js)."""
    text = fill(
        ngettext(
            "This message has %(count)s image from another site. It was not loaded, so the sender cannot "
            "tell when or where the message was read.",
            "This message has %(count)s images from other sites. They were not loaded, so the sender cannot "
            "tell when or where the message was read.",
            held,
        ),
        {"count": held},
    )
    show = _("Show images")
    return (
        f'      <p class="remote-images small" role="note">{_e(text)} '
        f'<button type="button" class="secondary" data-show-remote>{_e(show)}</button></p>\n'
    )


def event_html(view: EventView, language: str) -> str:
    """An event's sentence and moment (what tickets/agent/_event_text.html wrote)."""
    when = dates.moment_html(view.event.created_at, language, css="muted")
    return f'<span class="ev-text">{view.sentence}</span>\n{when}\n'


def timeline_html(entries: list[Entry], *, ticket: Ticket, request) -> SafeString:
    """The <ol id="timeline"> of the ticket page (timeline.timeline's entries, newest first)."""
    language = translation.get_language() or "en"
    labels = {
        "note": _e(_("Internal note")),
        "agent": _e(_("Agent reply")),
        "customer": _e(_("Customer")),
        "review": _e(_("Needs review")),
        "original": _e(_("Original email")),
        "attachments": _e(_("Attachments")),
    }
    referral_card = get_template("tickets/agent/_referral.html")
    url = _e(reverse_ids("agent:ticket-timeline", ticket.pk))
    out = [
        f'<ol class="timeline" id="timeline" hx-get="{url}" hx-trigger="ticket-changed from:body" '
        'hx-swap="outerHTML">\n  '
    ]
    for entry in entries:
        if entry.kind == "message":
            body = _message(entry.item, ticket, language, labels)
        elif entry.kind == "referral":
            card = referral_card.render({"referral": entry.item, "csrf_token": get_token(request)})
            body = f'\n  <li class="tl-item">{card}</li>\n  '
        else:
            body = f'\n  <li class="tl-item tl-event {_e(entry.item.css)}">{event_html(entry.item, language)}</li>\n  '
        out.append(f"\n  {body}\n  ")
    if not entries:
        out.append(f'<li class="empty-state">{_e(_("Nothing has happened on this ticket yet."))}</li>\n  ')
    out.append("\n</ol>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value in it went through _e; bodies are sanitised HTML)
