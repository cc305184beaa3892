"""Every write to routing rules (administrators only; the API and the admin call these).

A rule is checked whole before it is saved: each condition's field and values, the team and the
assignee it sets (active, an agent, a member of the team it sets), priority, type and tags, and at
least one action. Errors name their field (`conditions.1.values`, `set_team`), so a broken rule is
refused with a clear message instead of failing on tickets later.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import dates
from helpdesk.models import Priority, Team, User
from helpdesk.permissions import require_admin
from helpdesk.text import split_items
from tickets.models import RoutingRule, TicketType
from tickets.routing.conditions import conditions_clean

FIELDS: tuple[str, ...] = ("name", "position", "is_active", "stop", "conditions", "set_team", "set_priority")
FIELDS += ("set_type", "set_assignee", "add_tags", "set_category")
ACTIONS = ("set_team", "set_priority", "set_type", "set_assignee", "add_tags", "set_category")
MAX_TAGS = 20


def _tags_clean(tags: Any) -> list[str]:
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValidationError({"add_tags": [_("Tags are a list of words.")]})
    clean = list(dict.fromkeys(t.lower() for t in split_items(tags)))
    if any(len(t) > 60 for t in clean):
        raise ValidationError({"add_tags": [_("A tag is at most 60 characters.")]})
    if len(clean) > MAX_TAGS:
        raise ValidationError({"add_tags": [dates.fill(_("At most %(n)s tags."), {"n": MAX_TAGS})]})
    return clean


def _actions_errors(data: Mapping) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    team: Team | None = data.get("set_team")
    assignee: User | None = data.get("set_assignee")
    if team is not None and not team.is_active:
        errors["set_team"] = [_("This team is not active.")]
    if assignee is not None:
        if not assignee.is_agent:
            errors["set_assignee"] = [_("Only active agents can be assigned.")]
        elif team is not None and not assignee.teams.filter(pk=team.pk).exists():
            errors["set_assignee"] = [_("This agent is not a member of the team the rule sets.")]
    category = data.get("set_category")
    if category is not None and not category.is_active:
        errors["set_category"] = [_("This category is not active.")]
    if data.get("set_priority") not in ("", *Priority.values):
        errors["set_priority"] = [_("Unknown priority.")]
    if data.get("set_type") not in ("", *TicketType.values):
        errors["set_type"] = [_("Unknown type.")]
    if not any(data.get(name) for name in ACTIONS) and not errors:
        errors["non_field_errors"] = [
            _("Choose at least one action: a team, priority, type, assignee, tags or a category.")
        ]
    return errors


def routing_rule_clean(data: Mapping) -> dict[str, Any]:
    """The rule's fields checked and cleaned, or one ValidationError naming every bad field."""
    data = dict(data)
    errors: dict[str, list[str]] = {}
    data["name"] = (data.get("name") or "").strip()
    if not data["name"]:
        errors["name"] = [_("A rule needs a name.")]
    for name, clean in (("conditions", conditions_clean), ("add_tags", _tags_clean)):
        try:
            data[name] = clean(data.get(name) or [])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    data.setdefault("set_priority", "")
    data.setdefault("set_type", "")
    errors.update({k: v for k, v in _actions_errors(data).items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    return data


MAX_POSITION = 2**31 - 1  # the column's largest value


def next_position() -> int:
    """After the last rule (ten further, room to slot one in between), never past the column's range."""
    return min((RoutingRule.objects.aggregate(p=Max("position"))["p"] or 0) + 10, MAX_POSITION)


@transaction.atomic
def routing_rule_create(*, actor: User, **fields: Any) -> RoutingRule:
    """A new rule (at the end unless a position is given), checked whole; administrators only."""
    require_admin(actor)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    data = routing_rule_clean(fields)
    if data.get("position") is None:
        data["position"] = next_position()
    return RoutingRule.objects.create(**data)


@transaction.atomic
def routing_rule_update(*, actor: User, rule: RoutingRule, changes: Mapping[str, Any]) -> RoutingRule:
    """Change a rule, checked whole as it will be; switching it on again clears why it was switched off."""
    require_admin(actor)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    current = {name: getattr(rule, name) for name in FIELDS}
    data = routing_rule_clean({**current, **changes})
    for name in FIELDS:
        setattr(rule, name, data[name])
    if rule.is_active:
        rule.disabled_reason, rule.disabled_at = "", None
    rule.updated_at = timezone.now()
    rule.save()
    return rule


def routing_rule_delete(*, actor: User, rule: RoutingRule) -> None:
    require_admin(actor)
    rule.delete()
