"""A notification's line in the reader's language, written when it is shown (never stored), from its
kind, ticket, actor and short parameters."""

from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from helpdesk import dates
from helpdesk.names import name_in_language
from tickets.models import Notification, NotificationKind

SLA_TARGETS = {
    "first_response": lambda: _("first response"),
    "next_response": lambda: _("next response"),
    "resolution": lambda: _("resolution"),
}


def alert_text(notification: Notification) -> str:
    """What happened, in one sentence: "Sara assigned ticket #12 to you"."""
    return _sentence(notification, html=False)


def alert_html(notification: Notification) -> SafeString:
    """`alert_text` for a page: the names people wrote isolated in <bdi>, the ticket number in the
    reader's digits (Persian in fa)."""
    return mark_safe(_sentence(notification, html=True))  # noqa: S308 (the parts are escaped in _sentence)


def _sentence(notification: Notification, *, html: bool) -> str:
    def name(value: str) -> str:
        return format_html("<bdi>{}</bdi>", value) if html and value else value

    actor = name(str(notification.actor) if notification.actor_id and notification.actor else _("Someone"))
    number = f"#{notification.ticket_id}" if notification.ticket_id else ""
    if html and translation.get_language() == "fa":
        number = dates.persian_digits(number)
    params = notification.params or {}
    target = SLA_TARGETS.get(params.get("target", ""), lambda: "")()
    team = name(name_in_language(params.get("team", ""), params.get("team_fa", "")))
    texts = {
        NotificationKind.TEAM_TICKET: lambda: _("New ticket %(number)s in your team's queue"),
        NotificationKind.ASSIGNED: lambda: (
            _("%(actor)s assigned ticket %(number)s to you")
            if notification.actor_id
            else _("Ticket %(number)s was assigned to you")
        ),
        NotificationKind.CUSTOMER_REPLY: lambda: _("The customer replied on ticket %(number)s"),
        NotificationKind.MENTION: lambda: _("%(actor)s mentioned you in a note on ticket %(number)s"),
        NotificationKind.REFERRAL: lambda: _("%(actor)s referred ticket %(number)s to %(team)s"),
        NotificationKind.REFERRAL_ANSWERED: lambda: _("%(actor)s answered the referral of ticket %(number)s"),
        NotificationKind.REFERRAL_DUE: lambda: _("The referral of ticket %(number)s to %(team)s is due soon"),
        NotificationKind.REFERRAL_OVERDUE: lambda: _("The referral of ticket %(number)s to %(team)s is overdue"),
        NotificationKind.SLA_WARNING: lambda: _("Ticket %(number)s: %(target)s is due soon"),
        NotificationKind.SLA_BREACHED: lambda: _("Ticket %(number)s: %(target)s is late"),
        NotificationKind.BAD_RATING: lambda: _("The customer rated ticket %(number)s badly"),
        NotificationKind.AUTOMATION: lambda: _("Ticket %(number)s: %(rule)s"),
    }
    template = texts.get(notification.kind, lambda: _("Update on ticket %(number)s"))()
    if html:
        template = conditional_escape(template)
    rule = name(params.get("rule", ""))  # the trigger's or timed rule's name (tickets.triggers)
    return template % {"actor": actor, "number": number, "team": team, "target": target, "rule": rule}
