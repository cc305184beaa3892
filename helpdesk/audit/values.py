"""What a history row says, as people read it: the object's label and each changed field, before
and after (choices by their label, yes/no, related rows by number, long texts shortened)."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import ForeignKey, Model
from django.utils import translation
from django.utils.translation import gettext as _

from helpdesk import dates

LABEL_FIELDS = ("name", "full_name", "email", "domain", "address")
LONGEST = 200  # characters of a text shown before it is cut


@dataclass(frozen=True)
class Change:
    field: str  # the field's name (attname)
    label: str  # its verbose name
    old: str
    new: str


def object_label(row: Model) -> str:
    """The row's own name where it has one (name, email, domain...), else its number."""
    for name in LABEL_FIELDS:
        value = getattr(row, name, None)
        if value:
            return str(value)
    return f"#{getattr(row, row.instance_type._meta.pk.attname)}"


def field_changes(model: type[Model], row: Model, before: Model | None, m2m: dict) -> list[Change]:
    """The tracked fields whose value differs between `before` (None: the row was created) and `row`."""
    changes = []
    for model_field in row.tracked_fields:
        name = model_field.attname
        if name == model._meta.pk.attname:
            continue
        old = getattr(before, name) if before is not None else None
        new = getattr(row, name)
        if old != new and not (before is None and new in (None, "", [], {})):
            changes.append(
                Change(name, str(model_field.verbose_name), shown(model_field, old), shown(model_field, new))
            )
    for m2m_field in row._history_m2m_fields:
        old_ids = m2m.get((m2m_field.name, before.history_id), []) if before is not None else []
        new_ids = m2m.get((m2m_field.name, row.history_id), [])
        if old_ids != new_ids:
            label = str(m2m_field.verbose_name)
            changes.append(Change(m2m_field.name, label, _numbers(old_ids), _numbers(new_ids)))
    return changes


def _numbers(ids: list) -> str:
    return ", ".join(f"#{pk}" for pk in ids) or "—"


def shown(model_field, value: Any) -> str:
    """One value as text in the active language."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, ForeignKey):
        return f"#{value}"
    language = translation.get_language() or "en"
    if isinstance(value, datetime):
        return dates.format_datetime(value, language)
    if isinstance(value, date):
        return dates.format_date(value, language)
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"
