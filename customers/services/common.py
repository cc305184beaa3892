"""What every customers service shares: the conflict error, the input shapes, and the small steps
of a write (refuse on errors, apply a PATCH, delete unless still in use).
"""

from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any, Literal, NotRequired, TypedDict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.exceptions import Conflict
from helpdesk.models import Team, User
from helpdesk.text import is_blank, normalize_text


class InUse(Conflict):
    code = "in_use"
    default_detail = gettext_lazy("This is still in use (for example by tickets or contracts) and cannot be deleted.")


class DomainSpec(TypedDict):
    domain: str
    allow_signup: NotRequired[bool]


class TargetSpec(TypedDict):
    priority: str
    first_response_minutes: NotRequired[int | None]
    next_response_minutes: NotRequired[int | None]
    resolution_minutes: NotRequired[int | None]


class StepSpec(TypedDict):
    action: str
    minutes_after_breach: NotRequired[int]
    team: NotRequired[Team | None]
    user: NotRequired[User | None]


class PeriodSpec(TypedDict):
    weekday: int
    start: time
    end: time


class HolidaySpec(TypedDict):
    name: str
    name_fa: NotRequired[str]
    recurrence: NotRequired[str]
    date: NotRequired[date | None]
    month: NotRequired[int | None]
    day: NotRequired[int | None]
    days: NotRequired[int]


def _raise_if(errors: Mapping[str, Any]) -> None:
    if errors:
        raise ValidationError({field: msgs if isinstance(msgs, list) else [msgs] for field, msgs in errors.items()})


def _apply(instance: models.Model, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"cannot update {sorted(unknown)} of {type(instance).__name__}")
    for field, value in data.items():
        setattr(instance, field, value)


def _delete(instance: models.Model, *, owned: set[str]) -> None:
    """Delete unless another row refers to it (relations in `owned` go with it)."""
    for rel in instance._meta.related_objects:
        if rel.get_accessor_name() in owned:
            continue
        if rel.related_model._base_manager.filter(**{rel.field.name: instance}).exists():
            raise InUse()
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise InUse() from exc


def _required_text(value: str, field: str) -> dict[str, str]:
    return {} if not is_blank(value) else {field: _("This field is required.")}


def phone_digits(phone: str) -> str:
    """Digits only (Persian/Arabic digits folded), so a caller is found however the number was typed."""
    return "".join(ch for ch in normalize_text(phone) if ch.isascii() and ch.isdigit())


TargetField = Literal["first_response_minutes", "next_response_minutes", "resolution_minutes"]
TARGET_FIELDS: tuple[TargetField, ...] = ("first_response_minutes", "next_response_minutes", "resolution_minutes")
