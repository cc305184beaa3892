"""Placeholders in text written by users that reaches customers (macros, trigger and timed-rule replies):
one syntax, one check, one way to fill them in, for every writer.

The syntax is `{{name}}` (PLACEHOLDERS). Trigger replies saved before it may use the older single-brace
names (`{ticket_number}`, LEGACY): with `legacy=True` those still fill in, and are checked the same way.
The text is never run through the template engine: anything that is not a known placeholder stays as
written, and `placeholder_errors` refuses what would reach the customer as written.
"""

import re

from django.utils.translation import gettext as _

from helpdesk.mail import recipient_locale
from helpdesk.models import User
from helpdesk.names import name_in_language
from tickets.models import Ticket

PLACEHOLDERS = (
    "customer.name",
    "customer.first_name",
    "ticket.number",
    "ticket.subject",
    "agent.name",
    "organization.name",
    "team.name",
)
# The single-brace names trigger replies used before, and the placeholder each stands for.
LEGACY = {
    "ticket_number": "ticket.number",
    "requester_name": "customer.name",
    "subject": "ticket.subject",
    "team": "team.name",
}

# A template tag; `{{...}}`; a single-brace name (`{subject}`, `{ticket.subject}`); a `{{` or `}}` left open;
# a lone brace (literal text in a macro, an error in an old-style reply, where braces were format syntax).
TOKEN = re.compile(
    r"(?P<tag>\{%.*?%\})|\{\{(?P<double>[^{}]*)\}\}|\{(?P<single>\s*[A-Za-z_][\w.]*\s*)\}|(?P<open>\{\{|\}\})|(?P<lone>[{}])",
    re.DOTALL,
)


def placeholders_known() -> str:
    """The placeholders a text may use, as a writer types them (for help texts and refusals)."""
    return ", ".join("{{" + name + "}}" for name in PLACEHOLDERS)


def placeholder_errors(text: str, *, legacy: bool = False) -> list[str]:
    """What in `text` would reach the customer as written: an unknown `{{name}}`, a single-brace name
    (allowed only for LEGACY names when `legacy`), a `{{` or `}}` left open, a template tag. Each refusal
    names what it found."""
    unknown: list[str] = []
    malformed: list[str] = []
    tags = False
    for match in TOKEN.finditer(text or ""):
        if match.group("tag"):
            tags = True
        elif match.group("double") is not None:
            if (name := match.group("double").strip()) not in PLACEHOLDERS:
                _add(unknown, "{{" + name + "}}")
        elif match.group("single") is not None:
            name = match.group("single").strip()
            if not (legacy and name in LEGACY):  # an old-style name: unknown; a new one in single braces: malformed
                _add(unknown if legacy and "." not in name else malformed, match.group(0))
        elif match.group("open") or legacy:
            _add(malformed, match.group(0))
    errors = []
    if unknown:
        errors.append(
            _("Unknown placeholder %(names)s; use: %(known)s.")
            % {"names": ", ".join(unknown), "known": placeholders_known()}
        )
    if malformed:
        errors.append(
            _("Malformed placeholder %(names)s: write a placeholder in double braces, such as {{ticket.subject}}.")
            % {"names": ", ".join(malformed)}
        )
    if tags:
        errors.append(_("Template tags ({% ... %}) are not run: remove them from the text."))
    return errors


def _add(found: list[str], text: str) -> None:
    if text not in found:
        found.append(text)


def _team_name(ticket: Ticket) -> str:
    """The ticket's team's name in the language the requester is written to."""
    team = ticket.team
    return (
        name_in_language(team.name, team.name_fa, recipient_locale(contact=ticket.requester)["language"])
        if team
        else ""
    )


def placeholder_values(*, ticket: Ticket, agent: User | None) -> dict[str, str]:
    """The value of each placeholder (tickets.placeholders) for this ticket, written by `agent`."""
    requester = ticket.requester
    name = requester.full_name.strip() or requester.email or ""
    first = name.split()[0] if requester.full_name.strip() else name
    return {
        "customer.name": name,
        "customer.first_name": first,
        "ticket.number": str(ticket.pk),
        "ticket.subject": ticket.subject,
        "agent.name": agent.get_full_name() if agent else "",
        "organization.name": ticket.organization.name if ticket.organization_id else "",
        "team.name": _team_name(ticket),
    }


def placeholders_fill(text: str, values: dict[str, str], *, legacy: bool = False) -> str:
    """`text` with its known placeholders replaced by `values` (keyed by PLACEHOLDERS names); unknown
    ones, and everything else, stay as written."""

    def fill(match: re.Match) -> str:
        if match.group("double") is not None:
            name = match.group("double").strip()
        elif legacy and match.group("single") is not None:
            name = LEGACY.get(match.group("single").strip(), "")
        else:
            return match.group(0)
        return str(values[name]) if name in values else match.group(0)

    return TOKEN.sub(fill, text or "")
