"""Events said as whole sentences, one per language, for the ticket page's timeline.

A sentence is translated whole ("%(actor)s changed %(field)s from %(old)s to %(new)s" becomes "%(actor)s
%(field)s را از %(old)s به %(new)s تغییر داد"), never glued from words in English order. Each part (a name,
a value, a rule someone wrote) is escaped and isolated in <bdi class="ev-<part>">, so an English name keeps
its direction in a Persian sentence and the reverse.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import EscalationStep
from helpdesk import dates
from helpdesk.models import Priority
from helpdesk.names import name_in_language
from tickets.models import Channel, EventKind, Opportunity, Status, TicketEvent, TicketLink, TicketType
from tickets.timetrack.durations import format_minutes

CHOICE_FIELDS = {
    "status": dict(Status.choices),
    "priority": dict(Priority.choices),
    "type": dict(TicketType.choices),
    "channel": dict(Channel.choices),
}
FIELD_LABELS = {
    "status": gettext_lazy("Status"),
    "priority": gettext_lazy("Priority"),
    "type": gettext_lazy("Type"),
    "team": gettext_lazy("Team"),
    "assignee": gettext_lazy("Assignee"),
    "tags": gettext_lazy("Tags"),
    "subject": gettext_lazy("Subject"),
    "product": gettext_lazy("Product"),
    "channel": gettext_lazy("Channel"),
    "category": gettext_lazy("Category"),
    "root_cause": gettext_lazy("Root cause"),
    "problem": gettext_lazy("Problem"),
    "custom_status": gettext_lazy("Custom status"),
}
SLA_TARGETS = {
    "first_response": gettext_lazy("First response"),
    "next_response": gettext_lazy("Next response"),
    "resolution": gettext_lazy("Resolution"),
}
# Product feedback and sales opportunity events, said with the item's title or the opportunity's state.
EAR_EVENTS = frozenset(
    {
        EventKind.FEEDBACK_LINKED,
        EventKind.FEEDBACK_UNLINKED,
        EventKind.OPPORTUNITY_CREATED,
        EventKind.OPPORTUNITY_CHANGED,
    }
)
SLA_CSS = "event-sla"


@dataclass
class EventView:
    """An event in words: one sentence in the reader's language, and a CSS hook."""

    event: TicketEvent
    sentence: SafeString
    css: str = ""


def say(text: str, **parts) -> SafeString:
    """`text` (translated, with %(name)s parts) with each part escaped and isolated in <bdi>."""
    isolated = {name: format_html('<bdi class="ev-{}">{}</bdi>', name, value) for name, value in parts.items()}
    return mark_safe(conditional_escape(text) % isolated)  # noqa: S308 (text escaped, parts format_html's)


def number(value) -> str:
    text = str(value)
    return dates.persian_number(text) if translation.get_language() == "fa" else text


def time_sentence(event, actor: str) -> SafeString:
    """A time entry logged, changed or deleted (tickets.timetrack), its minutes as hours:minutes."""
    data = event.data or {}
    spent = number(format_minutes(data.get("minutes") or 0))
    if data.get("action") == "deleted":
        return say(_("%(actor)s deleted a time entry of %(time)s"), actor=actor, time=spent)
    if data.get("action") == "changed":
        return say(_("%(actor)s changed a time entry to %(time)s"), actor=actor, time=spent)
    return say(_("%(actor)s logged %(time)s of work"), actor=actor, time=spent)


def merged_sentence(event, actor: str) -> SafeString:
    """A merge, on the duplicate (`into`) or on the ticket that lives on, with the time that moved there."""
    data = event.data or {}
    if data.get("into"):
        return say(_("%(actor)s merged this ticket into %(ticket)s"), actor=actor, ticket=number(event.new_value))
    if data.get("minutes"):  # its time entries moved here (tickets.services.merge_records)
        text = _("%(actor)s merged %(ticket)s into this ticket, with %(time)s of logged time")
        spent = number(format_minutes(data["minutes"]))
        return say(text, actor=actor, ticket=number(event.old_value), time=spent)
    return say(_("%(actor)s merged %(ticket)s into this ticket"), actor=actor, ticket=number(event.old_value))


def value_label(field_name: str, value: str) -> str:
    if not value:
        return "—"
    return str(CHOICE_FIELDS.get(field_name, {}).get(value, value))


def _moment(iso: str) -> str:
    """A moment the event stored, written as the timestamp beside the event is (dates.moment_html)."""
    try:
        return dates.moment_html(datetime.fromisoformat(iso), translation.get_language() or "en")
    except (TypeError, ValueError):
        return ""


def sla_error_text(data: dict) -> str:
    """What an SLA_ERROR event says: which part of the SLA handling failed, and why."""
    what = {
        "check": _("SLA due times could not be computed"),
        "escalation": _("An escalation step could not run and will be retried"),
        "referral": _("A referral reminder or overdue notice could not be sent"),
        "referral_due": _("A referral's due time is counted in clock minutes"),
    }.get(data.get("part", ""), _("SLA handling failed"))
    why = {
        "no_working_time": _("the business calendar “%(calendar)s” has no working time"),
        "invalid_settings": _("the SLA settings are invalid (%(detail)s)"),
    }.get(data.get("cause", ""), _("an unexpected error; see the server log"))
    return _("%(what)s: %(why)s.") % {
        "what": what,
        "why": why % {"calendar": data.get("calendar", ""), "detail": data.get("detail", "")},
    }


def field_change(event: TicketEvent, actor: str) -> SafeString:
    """A field's change, by a person or by the helpdesk itself (a routing rule, automatic assignment)."""
    data = event.data or {}
    names = data.get("names") or {}
    persian = int((translation.get_language() or "").startswith("fa"))

    def shown(key: str, value: str) -> str:  # a name kept in both languages, else the value as recorded
        pair = names.get(key)
        return (pair[persian] or pair[0]) if pair else value_label(event.field, value)

    parts = {
        "field": str(FIELD_LABELS.get(event.field, event.field)),
        "old": shown("old", event.old_value),
        "new": shown("new", event.new_value),
    }
    if data.get("assignment"):
        mode = {"round_robin": _("round robin"), "least_loaded": _("least loaded")}.get(data["assignment"], "")
        return say(_("Assigned automatically to %(new)s (%(mode)s)"), new=parts["new"], mode=mode)
    if data.get("reason") == "first_reply":
        return say(_("Assigned to %(new)s, who replied first"), new=parts["new"])
    if data.get("trigger") or data.get("timed_rule"):  # tickets.triggers: the rule that acted
        return automation_change(event, data, parts)
    if data.get("rule_name"):
        if not event.old_value:
            return say(_("The routing rule %(rule)s set %(field)s to %(new)s"), rule=data["rule_name"], **parts)
        return say(
            _("The routing rule %(rule)s changed %(field)s from %(old)s to %(new)s"), rule=data["rule_name"], **parts
        )
    if not event.old_value:
        return say(_("%(actor)s set %(field)s to %(new)s"), actor=actor, field=parts["field"], new=parts["new"])
    if not event.new_value:
        return say(_("%(actor)s cleared %(field)s (was %(old)s)"), actor=actor, field=parts["field"], old=parts["old"])
    return say(_("%(actor)s changed %(field)s from %(old)s to %(new)s"), actor=actor, **parts)


def automation_change(event: TicketEvent, data: dict, parts: dict) -> SafeString:
    """A field a trigger or a timed rule changed."""
    rule = data.get("rule_name", "")
    if data.get("trigger"):
        if not event.old_value:
            return say(_("The trigger %(rule)s set %(field)s to %(new)s"), rule=rule, **parts)
        return say(_("The trigger %(rule)s changed %(field)s from %(old)s to %(new)s"), rule=rule, **parts)
    if not event.old_value:
        return say(_("The timed rule %(rule)s set %(field)s to %(new)s"), rule=rule, **parts)
    return say(_("The timed rule %(rule)s changed %(field)s from %(old)s to %(new)s"), rule=rule, **parts)


def _notified(data: dict) -> SafeString:
    names = data.get("notified") or []
    if not names:
        return mark_safe("")
    return mark_safe(" ") + say(_("Told: %(people)s."), people=", ".join(names))  # noqa: S308 (a space)


def sla_sentence(event: TicketEvent) -> SafeString:
    """Which target is at risk, breached or met, when it was due, and who was told."""
    data = event.data or {}
    target = str(SLA_TARGETS.get(data.get("target") or event.field, event.field))
    due = _moment(data.get("due", ""))
    if event.kind == EventKind.SLA_WARNING:
        text = _("SLA warning: %(target)s is due in %(minutes)s min, at %(due)s.")
        return say(text, target=target, minutes=number(data.get("minutes_left", "")), due=due) + _notified(data)
    if event.kind == EventKind.SLA_MET:
        text = _("%(target)s met, %(minutes)s min before it was due (%(due)s).")
        return say(text, target=target, minutes=number(abs(round(data.get("minutes_late") or 0))), due=due)
    late = number(round(data.get("minutes_late") or 0))
    if data.get("met"):  # completed, but late
        return say(_("%(target)s done %(minutes)s min late (due %(due)s)."), target=target, minutes=late, due=due)
    text = _("SLA breached: %(target)s was due at %(due)s.")
    return say(text, target=target, due=due) + _notified(data)


def escalation_sentence(event: TicketEvent) -> SafeString:
    data = event.data or {}
    action = str(dict(EscalationStep.Action.choices).get(data.get("action", ""), data.get("action", "")))
    sentence = say(_("Escalation step %(step)s: %(action)s."), step=number(data.get("step", "")), action=action)
    if skipped := data.get("skipped"):  # tickets.sla.escalation._raise
        raised = value_label("priority", skipped.get("priority", ""))
        text = _("Skipped: the policy has no %(priority)s target, so the SLA would be lost.")
        sentence = format_html("{} {}", sentence, say(text, priority=raised))
    return sentence


def _custom_label(labels: dict | None, *, customer: bool) -> str:
    """A custom status as stored in its event (CustomStatus.labels), in the reader's language: the agent
    label, or for customers the customer label, else the base status's name."""
    if not labels:
        return ""
    if customer:
        text = name_in_language(labels.get("customer", ""), labels.get("customer_fa", ""))
        return text or value_label("status", labels.get("base", ""))
    return name_in_language(labels.get("name", ""), labels.get("name_fa", ""))


def custom_status_sentence(event: TicketEvent, actor: str) -> SafeString:
    """For agents: a ticket put on, moved between or taken off custom statuses."""
    data = event.data or {}
    field = str(FIELD_LABELS["custom_status"])
    old, new = _custom_label(data.get("old"), customer=False), _custom_label(data.get("new"), customer=False)
    if not old:
        return say(_("%(actor)s set %(field)s to %(new)s"), actor=actor, field=field, new=new)
    if not new:
        return say(_("%(actor)s cleared %(field)s (was %(old)s)"), actor=actor, field=field, old=old)
    return say(_("%(actor)s changed %(field)s from %(old)s to %(new)s"), actor=actor, field=field, old=old, new=new)


def custom_status_customer_sentence(event: TicketEvent) -> SafeString:
    """For customers (a public event): where their request stands now, in their wording."""
    data = event.data or {}
    new = data.get("new") or {"base": data.get("status", "")}
    return say(_("Your request's status is now %(status)s"), status=_custom_label(new, customer=True))


def refused_notice_sentence(data: dict) -> SafeString:
    """Whether the sender was told that files of their mail were not accepted (tickets.email.refusal_notice)."""
    names = ("، " if translation.get_language() == "fa" else ", ").join(
        f.get("name", "") for f in data.get("files", [])
    )
    recipient = data.get("recipient") or "?"
    if data.get("told") == "acknowledgement":
        text = _("%(recipient)s was told in the acknowledgement that these files were not accepted: %(files)s")
    elif data.get("told"):
        text = _("%(recipient)s was sent a notice that these files were not accepted: %(files)s")
    else:
        why = {
            "automatic": _("the email was automatic"),
            "rate_limited": _("the hourly limit of automatic mails to this address was reached"),
            "no_address": _("there is no address to write to"),
        }.get(data.get("not_told", ""), _("the address is our own or a mail system's"))
        text = _("%(recipient)s was not told that these files were not accepted (%(why)s): %(files)s")
        return say(text, recipient=recipient, why=why, files=names)
    return say(text, recipient=recipient, files=names)


def spam_sentence(event: TicketEvent, actor: str) -> SafeString:
    """Marked as spam (tickets.services.spam), and the address blocked with it if any."""
    address = (event.data or {}).get("address")
    if address:
        return say(_("%(actor)s marked the ticket as spam and blocked %(sender)s"), actor=actor, sender=address)
    return say(_("%(actor)s marked the ticket as spam"), actor=actor)


# Said as a change of a field; a problem link reads as a change of the ticket's problem: "set Problem to <title>".
_FIELD_KINDS = (EventKind.FIELD_CHANGED, EventKind.STATUS_CHANGED, EventKind.PROBLEM_LINKED, EventKind.PROBLEM_UNLINKED)


def ear_item(event: TicketEvent) -> str:
    """The feedback item's title, or the opportunity's kind (created) or new state (changed) in the
    reader's language: the stored value is the label in the language of whoever made the change."""
    data = event.data or {}
    if event.kind == EventKind.OPPORTUNITY_CREATED and data.get("kind") in Opportunity.Kind.values:
        return str(Opportunity.Kind(data["kind"]).label)
    if event.kind == EventKind.OPPORTUNITY_CHANGED and data.get("new_state") in Opportunity.State.values:
        return str(Opportunity.State(data["new_state"]).label)
    return event.new_value or event.old_value


def event_view(event: TicketEvent) -> EventView:
    actor = event.actor.get_full_name() if event.actor else _("System")
    kind, data = event.kind, event.data or {}
    if kind in _FIELD_KINDS:
        return EventView(event, field_change(event, actor))
    if kind == EventKind.CUSTOM_STATUS_CHANGED:
        return EventView(event, custom_status_sentence(event, actor))
    if kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACHED, EventKind.SLA_MET):
        return EventView(event, sla_sentence(event), css=SLA_CSS)
    if kind == EventKind.ESCALATED:
        return EventView(event, escalation_sentence(event), css=SLA_CSS)
    if kind == EventKind.CREATED:
        channel = value_label("channel", data.get("channel", ""))
        return EventView(event, say(_("%(actor)s created the ticket (%(channel)s)"), actor=actor, channel=channel))
    if kind == EventKind.LINKED:
        link_kind = str(dict(TicketLink.Kind.choices).get(data.get("kind", ""), ""))
        text = _("%(actor)s linked %(ticket)s (%(kind)s)")
        return EventView(event, say(text, actor=actor, ticket=number(event.new_value), kind=link_kind))
    if kind == EventKind.MERGED:
        return EventView(event, merged_sentence(event, actor))
    if kind == EventKind.CALL_LOGGED:
        if data.get("direction") == "inbound":
            text = _("%(actor)s logged an inbound call of %(minutes)s min")
        else:
            text = _("%(actor)s logged an outbound call of %(minutes)s min")
        return EventView(event, say(text, actor=actor, minutes=number(data.get("duration_minutes", 0))), "event-call")
    if kind in (EventKind.TIME_LOGGED, EventKind.TIME_CHANGED):
        return EventView(event, time_sentence(event, actor), "event-time")
    if kind == EventKind.SLA_ERROR:
        return EventView(event, say("%(what)s", what=sla_error_text(data)), css=SLA_CSS)
    if kind == EventKind.ROUTING_FAILED:
        text = _("The routing rule %(rule)s failed and was switched off: %(reason)s")
        return EventView(event, say(text, rule=data.get("rule_name", ""), reason=data.get("reason", "")))
    if kind == EventKind.ATTACHMENT_WITHHELD:
        text = _("The email's attachment %(name)s was not kept: %(extension)s files (programs and scripts) are refused")
        extension = str(data.get("extension", "")).lstrip(".").upper()  # "EXE": no dot to misplace in fa
        return EventView(event, say(text, name=data.get("name", ""), extension=extension))
    if kind == EventKind.REFUSED_FILES_NOTICE:
        return EventView(event, refused_notice_sentence(data))
    if kind == EventKind.MARKED_SPAM:
        return EventView(event, spam_sentence(event, actor))
    if kind == EventKind.TRIGGER_FAILED:
        text = _("The trigger or timed rule %(rule)s failed and was switched off: %(reason)s")
        return EventView(event, say(text, rule=data.get("rule_name", ""), reason=data.get("reason", "")))
    if kind == EventKind.TRIGGER_LOOP_STOPPED:
        text = _("Triggers stopped here, %(depth)s changes deep (a loop?): %(rules)s")
        names = ", ".join(data.get("trigger_names", []))
        return EventView(event, say(text, depth=number(data.get("depth", 0)), rules=names))
    label = str(EventKind(kind).label) if kind in EventKind.values else kind
    if kind in EAR_EVENTS and (item := ear_item(event)):  # which feedback item, which opportunity
        return EventView(event, say("%(actor)s: %(what)s: %(item)s", actor=actor, what=label, item=item))
    return EventView(event, say("%(actor)s: %(what)s", actor=actor, what=label))
