"""What the apps above the outbox plug into it, filled in from their AppConfig.ready().

The outbox stores, claims, sends and retries; it does not know what a ticket or an account is. An
app that queues mail registers, per template, a *mail builder*: called by the worker when it sends,
it turns the row into a `MailPlan` (the template's context, the reader's language, the subject's
final form, headers), or raises `MailDropped` when there is nothing to send any more (the ticket
was deleted, the address has no login). An app that records events registers the names endpoints
may subscribe to and, per event-name prefix, the builder of a delivery's payload.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from helpdesk.outbox.models import NotificationLog


@dataclass(frozen=True)
class MailFile:
    """A file the mail carries as a MIME attachment, read by the builder when the mail is sent (the
    row references the file, never holds its bytes)."""

    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class MailPlan:
    """How to write one row's mail: rendered with emails/<template or row.template>.* (helpdesk.mail.mail_render)."""

    context: dict[str, Any]
    language: str
    time_zone: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # The final subject from the rendered one (e.g. with a ticket tag); None: the rendered one.
    subject: Callable[[str], str] | None = None
    # Where the mail goes when it is not the row's recipient (e.g. the login's own spelling).
    to: str = ""
    # Attached to this attempt's mail (each attempt builds the mail again: attached once).
    files: tuple[MailFile, ...] = ()
    # The mail template when it is not the row's: a builder that decides at sending time what the
    # mail is (a sign-up request becomes a verification link or an "already have an account").
    template: str = ""


class MailDropped(Exception):
    """Raised by a mail builder: nothing to send for this row any more (the message says why).

    The row is finished without a mail, the reason kept in its `last_error`."""


MailBuilder = Callable[["NotificationLog"], MailPlan]
PayloadBuilder = Callable[["NotificationLog"], dict[str, Any]]

_mail_builders: dict[str, MailBuilder] = {}
_payload_builders: dict[str, PayloadBuilder] = {}
_event_sources: list[Callable[[], Iterable[tuple[str, str]]]] = []


def register_mail(*, templates: Iterable[str], builder: MailBuilder) -> None:
    """`builder` writes the mail of every row with one of these templates."""
    for template in templates:
        _mail_builders[template] = builder


def mail_builder(template: str) -> MailBuilder:
    """The builder registered for `template`; LookupError when none is (the row fails visibly)."""
    try:
        return _mail_builders[template]
    except KeyError:
        raise LookupError(f"No mail builder is registered for the template {template!r}.") from None


def mail_templates() -> frozenset[str]:
    return frozenset(_mail_builders)


def register_webhook_events(source: Callable[[], Iterable[tuple[str, str]]]) -> None:
    """`source()` gives (event name, label) pairs endpoints may subscribe to (asked each time, so
    labels follow the active language)."""
    if source not in _event_sources:
        _event_sources.append(source)


def webhook_event_choices() -> list[tuple[str, str]]:
    return [choice for source in _event_sources for choice in source()]


def webhook_event_names() -> list[str]:
    return [name for name, _label in webhook_event_choices()]


def register_webhook_payload(*, prefix: str, builder: PayloadBuilder) -> None:
    """`builder(row)` gives the event-specific part of the body of deliveries named `<prefix>...`."""
    _payload_builders[prefix] = builder


def payload_builder(event: str) -> PayloadBuilder | None:
    return next((builder for prefix, builder in _payload_builders.items() if event.startswith(prefix)), None)
