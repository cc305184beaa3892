"""Every write to triggers and timed rules (administrators only; the API and the admin call these).

A rule is checked whole before it is saved, and errors name their field (`conditions.1.values`,
`events`, `reply_fa`, `set_assignee`): the conditions as tickets.routing.conditions checks them
(TRIGGER_FIELDS), what the actions name is active, the reply templates have known placeholders, a
note or reply has an agent to write it, and there is at least one action.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import dates
from helpdesk.models import Priority, User
from helpdesk.permissions import require_admin
from tickets.models import Status, TimedRule, TimedSince, Trigger, TriggerEvent
from tickets.routing.conditions import TRIGGER_FIELDS, conditions_clean
from tickets.routing.rules import MAX_POSITION, _tags_clean
from tickets.triggers.actions import placeholders_errors

COMMON: tuple[str, ...] = ("name", "position", "is_active", "conditions", "set_status", "set_priority")
COMMON += ("set_team", "set_assignee", "set_category", "add_tags", "note", "notify_user", "notify_team", "notify_lead")
COMMON += ("reply_en", "reply_fa", "author", "webhook")
ACTIONS = ("set_status", "set_priority", "set_team", "set_assignee", "set_category", "add_tags", "note")
ACTIONS += ("notify_user", "notify_team", "notify_lead", "reply_en", "reply_fa", "webhook")
FIELDS: dict[type, tuple[str, ...]] = {
    Trigger: (*COMMON, "events", "stop"),
    TimedRule: (*COMMON, "status", "since", "minutes", "business_hours"),
}
MAX_MINUTES = 60 * 24 * 365


def _agent_errors(data: Mapping, errors: dict) -> None:
    for name in ("set_assignee", "notify_user", "author"):
        user: User | None = data.get(name)
        if user is not None and not user.is_agent:
            errors[name] = [_("Only active agents can be chosen.")]
    team, assignee = data.get("set_team"), data.get("set_assignee")
    outsider = team is not None and assignee is not None and not assignee.teams.filter(pk=team.pk).exists()
    if outsider and "set_assignee" not in errors:
        errors["set_assignee"] = [_("This agent is not a member of the team the rule sets.")]
    if (data.get("note") or data.get("reply_en") or data.get("reply_fa")) and data.get("author") is None:
        errors.setdefault("author", [_("Choose the agent a note or reply is written as.")])


def _actions_errors(data: Mapping) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("set_team", "notify_team", "set_category", "webhook"):
        if data.get(name) is not None and not data[name].is_active:
            errors[name] = [_("This choice is not active.")]
    _agent_errors(data, errors)
    if data.get("set_status") not in ("", *Status.values):
        errors["set_status"] = [_("Unknown status.")]
    if data.get("set_priority") not in ("", *Priority.values):
        errors["set_priority"] = [_("Unknown priority.")]
    for name in ("reply_en", "reply_fa"):
        problems = placeholders_errors(data.get(name) or "")
        if problems:
            errors[name] = problems
    if not any(data.get(name) for name in ACTIONS) and not errors:
        errors["non_field_errors"] = [_("Choose at least one action.")]
    return errors


def _kind_errors(model: type, data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if model is Trigger:
        chosen = data.get("events")
        if not isinstance(chosen, list) or not chosen or not set(chosen) <= set(TriggerEvent.values):
            errors["events"] = [_("Choose at least one event, from: %(names)s.") % {"names": ", ".join(TriggerEvent)}]
        else:
            data["events"] = [e for e in TriggerEvent.values if e in chosen]
        return errors
    if data.get("status") not in Status.values:
        errors["status"] = [_("Choose the status the ticket stays in.")]
    if data.get("since") not in TimedSince.values:
        errors["since"] = [_("Choose what the time is counted from.")]
    minutes = data.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        errors["minutes"] = [dates.fill(_("A whole number of minutes from 1 to %(n)s."), {"n": MAX_MINUTES})]
    return errors


def automation_clean(model: type, data: Mapping) -> dict[str, Any]:
    """The rule's fields checked and cleaned, or one ValidationError naming every bad field."""
    data = dict(data)
    errors: dict[str, list[str]] = {}
    data["name"] = (data.get("name") or "").strip()
    if not data["name"]:
        errors["name"] = [_("A rule needs a name.")]
    try:
        data["conditions"] = conditions_clean(data.get("conditions") or [], TRIGGER_FIELDS)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        data["add_tags"] = _tags_clean(data.get("add_tags") or [])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for name in ("set_status", "set_priority", "note", "reply_en", "reply_fa"):
        data[name] = (
            (data.get(name) or "").strip() if name in ("note", "reply_en", "reply_fa") else data.get(name) or ""
        )
    errors.update({k: v for k, v in _kind_errors(model, data).items() if k not in errors})
    errors.update({k: v for k, v in _actions_errors(data).items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    return data


def next_position(model: type) -> int:
    return min((model.objects.aggregate(p=Max("position"))["p"] or 0) + 10, MAX_POSITION)


def _unknown(model: type, fields: Mapping) -> None:
    unknown = set(fields) - set(FIELDS[model])
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})


@transaction.atomic
def automation_create(*, actor: User, model: type, **fields: Any) -> Trigger | TimedRule:
    """A new trigger or timed rule (at the end unless a position is given), checked whole; admins only."""
    require_admin(actor)
    _unknown(model, fields)
    data = automation_clean(model, fields)
    if data.get("position") is None:
        data["position"] = next_position(model)
    return model.objects.create(**data)


@transaction.atomic
def automation_update(*, actor: User, rule: Trigger | TimedRule, changes: Mapping[str, Any]) -> Trigger | TimedRule:
    """Change a rule, checked whole as it will be; switching it on again clears why it was switched off."""
    require_admin(actor)
    model = type(rule)
    _unknown(model, changes)
    rule = model.objects.select_for_update().get(pk=rule.pk)
    current = {name: getattr(rule, name) for name in FIELDS[model]}
    data = automation_clean(model, {**current, **changes})
    for name in FIELDS[model]:
        setattr(rule, name, data[name])
    if rule.is_active:
        rule.disabled_reason, rule.disabled_at = "", None
    rule.updated_at = timezone.now()
    rule.save()
    return rule


def automation_delete(*, actor: User, rule: Trigger | TimedRule) -> None:
    require_admin(actor)
    rule.delete()
