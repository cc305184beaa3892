"""The audit log: every change of every audited model, newest first, for administrators.

Each audited model keeps its own history table (records.py); the log reads them as one list with a
UNION ALL of the same few columns (`audit_entries`), filtered by model, user and dates, so a page is
one count and one slice whatever the number of tables. `audit_page_entries` then loads what a page
shows: the page's rows and, to say what changed, each one's previous row of the same object, one
query per kind of record on the page (at most one per audited model), the people in one more.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db.models import CharField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone

from helpdesk.audit.values import Change, field_changes, object_label
from helpdesk.exceptions import NotVisible
from helpdesk.permissions import is_admin

SYSTEM = "none"  # the user filter's value for changes nobody signed in made (tasks, commands)
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class AuditFilter:
    model: str = ""  # a model's label, "customers.contact"
    user: str = ""  # a user's id, or SYSTEM
    since: date | None = None
    until: date | None = None  # inclusive


@dataclass
class AuditEntry:
    model: str
    history_id: int
    at: datetime
    action: str  # created, changed, deleted
    object_id: str
    user_id: int | None
    reason: str
    model_name: str = ""
    object_label: str = ""
    user: Any = None
    changes: list[Change] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.model}:{self.history_id}"


def audited_models() -> list[type[Model]]:
    """Every model with a history, in a stable order (their labels)."""
    found = [m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")]
    return sorted(found, key=lambda m: m._meta.label_lower)


def history_model(model: type[Model]) -> type[Model]:
    return getattr(model, model._meta.simple_history_manager_attribute).model


def audit_model_choices() -> list[tuple[str, str]]:
    """(label, name) of each audited model, for the model filter."""
    return [
        (m._meta.label_lower, f"{m._meta.app_config.verbose_name}: {m._meta.verbose_name}") for m in audited_models()
    ]


def audit_entries(*, actor, filters: AuditFilter) -> QuerySet:
    """The changes `filters` select as one queryset of tuples (history_id, history_date, history_type,
    history_user_id, history_change_reason, model, object_id), newest first; administrators only
    (NotVisible for anyone else: the log is not part of their world)."""
    if not is_admin(actor):
        raise NotVisible()
    models = [m for m in audited_models() if not filters.model or m._meta.label_lower == filters.model]
    parts = [_part(m, _where(filters)) for m in models]
    if not parts:
        parts = [_part(audited_models()[0], Q(pk__in=[]))]
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("-history_date", "-history_id")


def _where(filters: AuditFilter) -> Q:
    where = Q()
    if filters.user == SYSTEM:
        where &= Q(history_user__isnull=True)
    elif filters.user:
        where &= Q(history_user_id=int(filters.user))
    if filters.since:
        where &= Q(history_date__gte=_day_start(filters.since))
    if filters.until:
        where &= Q(history_date__lt=_day_start(filters.until + timedelta(days=1)))
    return where


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _part(model: type[Model], where: Q) -> QuerySet:
    pk = model._meta.pk.attname
    return (
        history_model(model)
        .objects.filter(where)
        .annotate(audit_model=Value(model._meta.label_lower, CharField()), audit_object=Cast(pk, CharField()))
        .values_list(
            "history_id",
            "history_date",
            "history_type",
            "history_user_id",
            "history_change_reason",
            "audit_model",
            "audit_object",
        )
        .order_by()
    )


def audit_page_entries(rows) -> list[AuditEntry]:
    """The entries of one page of `audit_entries`, each with its model's name, the object's label,
    the user and the fields it changed (before and after)."""
    entries = [
        AuditEntry(
            model=row[5],
            history_id=row[0],
            at=row[1],
            action=ACTIONS.get(row[2], row[2]),
            object_id=row[6],
            user_id=row[3],
            reason=row[4] or "",
        )
        for row in rows
    ]
    by_model: dict[str, list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        by_model[entry.model].append(entry)
    models = {m._meta.label_lower: m for m in audited_models()}
    for label, group in by_model.items():
        _describe(models[label], group)
    _attach_users(entries)
    return entries


def _describe(model: type[Model], entries: list[AuditEntry]) -> None:
    """Load the entries' rows with the rows before them (one query) and say what changed."""
    historical = history_model(model)
    pk = model._meta.pk.attname
    ids = [e.history_id for e in entries]
    previous_ids = (
        historical.objects.filter(history_id__in=ids).annotate(previous=_previous(historical, pk)).values("previous")
    )
    rows = list(historical.objects.filter(Q(history_id__in=ids) | Q(history_id__in=previous_ids)))
    by_object: dict[Any, list] = defaultdict(list)
    for row in rows:
        by_object[getattr(row, pk)].append(row)
    by_id = {row.history_id: row for row in rows}
    m2m = m2m_values(historical, [row.history_id for row in rows])
    for entry in entries:
        row = by_id[entry.history_id]
        earlier = [r for r in by_object[getattr(row, pk)] if r.history_id < row.history_id]
        before = max(earlier, key=lambda r: r.history_id) if earlier else None
        entry.model_name = str(model._meta.verbose_name)
        entry.object_label = object_label(row)
        entry.changes = field_changes(model, row, before, m2m) if entry.action != "deleted" else []


def _previous(historical: type[Model], pk: str):
    earlier = historical.objects.filter(**{pk: OuterRef(pk)}, history_id__lt=OuterRef("history_id"))
    return Subquery(earlier.order_by("-history_id").values("history_id")[:1])


def m2m_values(historical: type[Model], history_ids: list[int]) -> dict[tuple[str, int], list]:
    """{(field name, history id): sorted related ids} of the historical many-to-many fields, one query each."""
    from simple_history.utils import get_m2m_reverse_field_name

    values: dict[tuple[str, int], list] = {}
    for m2m_field in historical._history_m2m_fields:
        through = next(
            rel.related_model
            for rel in historical._meta.related_objects
            if rel.related_model.__name__ == f"{historical.__name__}_{m2m_field.name}"
        )
        other = get_m2m_reverse_field_name(m2m_field) + "_id"
        for history_id in history_ids:
            values[(m2m_field.name, history_id)] = []
        for history_id, related in through.objects.filter(history_id__in=history_ids).values_list("history_id", other):
            values[(m2m_field.name, history_id)].append(related)
    for related_ids in values.values():
        related_ids.sort()
    return values


def _attach_users(entries: list[AuditEntry]) -> None:
    from django.contrib.auth import get_user_model

    ids = {e.user_id for e in entries if e.user_id is not None}
    users = get_user_model().objects.in_bulk(ids) if ids else {}
    for entry in entries:
        entry.user = users.get(entry.user_id)
