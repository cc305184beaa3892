"""What a routing rule can ask about a new ticket: the condition fields, their values and how they match.

A condition is `{"field": <name>, "values": [...]}` and holds when the ticket has any one of the
values (keywords: its text contains any one of them; category: its category or that category's
parent). Adding a field is one more `ConditionField` in FIELDS; stored rules keep their shape.

Keywords and text are folded with helpdesk.text.normalize_text (case, Arabic/Persian letter variants,
digits, diacritics, ZWNJ), and also compared with their spaces closed up, so "می‌خواهم", "می خواهم"
and "میخواهم" are one keyword.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Contact, Organization, Product, ServiceContract
from helpdesk import dates
from helpdesk.models import Priority, Team
from helpdesk.text import normalize_text, split_items
from tickets.models import Category, Channel, Mailbox, Status, TicketType

MAX_VALUES = 200
MAX_KEYWORD_CHARS = 100
# Keyword conditions read this much of the first message: enough for any request, bounded in time.
BODY_CHARS = 20_000


@dataclass(frozen=True)
class RoutingInput:
    """A new ticket as the rules see it (built once per ticket; texts already folded)."""

    channel: str
    mailbox: int | None
    requester: int | None
    organization: int | None
    contract: int | None
    product: int | None
    # The ticket's category and its parent (a rule naming a parent matches its children too); empty: none.
    categories: tuple[int, ...]
    language: str
    subject: str
    body: str  # the first message's text, at most BODY_CHARS of it


def fold(text: str) -> tuple[str, str]:
    """A text folded, and folded with its spaces closed up (ZWNJ and spacing variants match alike)."""
    folded = normalize_text(text or "")
    return folded, folded.replace(" ", "")


@dataclass(frozen=True)
class ConditionField:
    name: str
    label: Any
    kind: str  # "choice", "ref" or "keywords"
    # choice: the allowed values; ref: the model whose ids are the values
    choices: Callable[[], Iterable[str]] | None = None
    model: type[models.Model] | None = None


def _languages() -> list[str]:
    return [code for code, _label in settings.LANGUAGES]


FIELDS: dict[str, ConditionField] = {
    f.name: f
    for f in (
        ConditionField("channel", gettext_lazy("Channel"), "choice", choices=lambda: Channel.values),
        ConditionField("mailbox", gettext_lazy("Mailbox"), "ref", model=Mailbox),
        ConditionField("requester", gettext_lazy("Requester"), "ref", model=Contact),
        ConditionField("organization", gettext_lazy("Organization"), "ref", model=Organization),
        ConditionField("contract", gettext_lazy("Contract"), "ref", model=ServiceContract),
        ConditionField("product", gettext_lazy("Product"), "ref", model=Product),
        ConditionField("category", gettext_lazy("Category"), "ref", model=Category),
        ConditionField("language", gettext_lazy("Language"), "choice", choices=_languages),
        ConditionField("subject_keywords", gettext_lazy("Subject contains"), "keywords"),
        ConditionField("body_keywords", gettext_lazy("Description contains"), "keywords"),
    )
}
# What triggers (tickets.triggers) may also ask about a ticket that exists: its state now. The
# ticket they see is a tickets.triggers.engine.TicketInput (these names are its attributes).
TRIGGER_FIELDS: dict[str, ConditionField] = {
    **{name: spec for name, spec in FIELDS.items() if name not in ("mailbox", "contract")},
    **{
        f.name: f
        for f in (
            ConditionField("status", gettext_lazy("Status"), "choice", choices=lambda: Status.values),
            ConditionField("priority", gettext_lazy("Priority"), "choice", choices=lambda: Priority.values),
            ConditionField("type", gettext_lazy("Type"), "choice", choices=lambda: TicketType.values),
            ConditionField("team", gettext_lazy("Team"), "ref", model=Team),
            ConditionField("assignee", gettext_lazy("Assignee"), "choice", choices=lambda: ["set", "unset"]),
            ConditionField("tags", gettext_lazy("Tags"), "tags"),
        )
    },
}
_INPUT_ATTR = {"subject_keywords": "subject", "body_keywords": "body", "category": "categories"}


def _clean_values(spec: ConditionField, values: list) -> list:
    """The values of one condition, cleaned; ValueError with the message for the first bad one."""
    if spec.kind == "tags":
        if not all(isinstance(v, str) and v.strip() and len(v.strip()) <= 60 for v in values):
            raise ValueError(_("Each tag is some text of at most 60 characters."))
        return list(dict.fromkeys(v.lower() for v in split_items(values)))
    if spec.kind == "keywords":
        words = []
        for value in values:
            if not isinstance(value, str) or not value.strip() or "\x00" in value:
                raise ValueError(_("Each keyword must be some text."))
            if len(value) > MAX_KEYWORD_CHARS:
                raise ValueError(dates.fill(_("A keyword is at most %(n)s characters."), {"n": MAX_KEYWORD_CHARS}))
            words.append(value)
        return split_items(words)
    if spec.kind == "choice":
        allowed = set(spec.choices()) if spec.choices else set()
        for value in values:
            if not isinstance(value, str) or value not in allowed:
                raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": str(value)[:40]})
        return list(dict.fromkeys(values))
    ids = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
            raise ValueError(_("Each value must be the id of a record."))
        ids.append(value)
    ids = list(dict.fromkeys(ids))
    assert spec.model is not None
    found = set(spec.model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValueError(_("No such record: %(ids)s.") % {"ids": ", ".join(missing)})
    return ids


def conditions_clean(conditions: Any, fields: dict[str, ConditionField] = FIELDS) -> list[dict]:
    """The conditions as stored, or ValidationError-style errors: {"conditions.<i>.<key>": [message]}.

    Each field at most once; an empty list is a rule for every new ticket. `fields`: the names the
    rule may use (FIELDS for routing rules, TRIGGER_FIELDS for triggers).
    """
    if not isinstance(conditions, list):
        raise ValidationError({"conditions": [_("Conditions must be a list.")]})
    cleaned, errors, seen = [], {}, set()
    for index, condition in enumerate(conditions):
        where = f"conditions.{index}"
        if not isinstance(condition, dict) or set(condition) - {"field", "values"}:
            errors[where] = [_("A condition has a “field” and its “values”.")]
            continue
        spec = fields.get(condition.get("field"))  # type: ignore[arg-type]
        if spec is None:
            errors[f"{where}.field"] = [
                _("Unknown condition; one of: %(names)s.") % {"names": ", ".join(fields)},
            ]
            continue
        if spec.name in seen:
            errors[f"{where}.field"] = [_("This condition is already in the rule.")]
            continue
        seen.add(spec.name)
        values = condition.get("values")
        if not isinstance(values, list) or not values:
            errors[f"{where}.values"] = [_("Give at least one value.")]
            continue
        if len(values) > MAX_VALUES:
            errors[f"{where}.values"] = [dates.fill(_("At most %(n)s values."), {"n": MAX_VALUES})]
            continue
        try:
            cleaned.append({"field": spec.name, "values": _clean_values(spec, values)})
        except ValueError as exc:
            errors[f"{where}.values"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return cleaned


class CompiledCondition:
    """A stored condition made ready to test many tickets: value sets, keywords folded."""

    __slots__ = ("attr", "keywords", "values")

    def __init__(self, condition: dict, fields: dict[str, ConditionField] = FIELDS):
        spec = fields[condition["field"]]  # KeyError for a field no longer known: the rule is broken
        self.attr = _INPUT_ATTR.get(spec.name, spec.name)
        if spec.kind == "keywords":
            self.keywords = tuple(fold(word)[1] for word in condition["values"])
            self.values: frozenset = frozenset()
        else:
            self.keywords = ()
            self.values = frozenset(condition["values"])

    def matches(self, ticket: Any, texts: dict[str, str]) -> bool:
        """`texts`: the ticket's subject and body folded and closed up (`fold(...)[1]`), made once."""
        if self.keywords:
            text = texts[self.attr]
            return any(word in text for word in self.keywords)
        value = getattr(ticket, self.attr)
        if isinstance(value, tuple):  # categories (the ticket's and its parent), tags
            return not self.values.isdisjoint(value)
        return value in self.values
