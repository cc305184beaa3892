"""Writes to the audit trail itself: forgetting a person's data in it, and retention.

History rows are otherwise never changed: they are written by the audited models' saves and deletes
(records.py) and read by the log (log.py) and the admin's history pages.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Model

from helpdesk.audit.log import audited_models, history_model
from helpdesk.audit.records import channel_reason


def history_forget(*, instance: Model, fields: Iterable[str]) -> int:
    """Overwrite `fields` in every history row of `instance` with the values it has now (a privacy
    erasure: the anonymised ones), so that no earlier row keeps the person's data; returns the rows."""
    model = type(instance)
    pk = model._meta.pk.attname
    values = {name: getattr(instance, name) for name in fields}
    return history_model(model).objects.filter(**{pk: instance.pk}).update(**values)


def history_prune(*, before: datetime, dry_run: bool = False, batch: int = 500) -> int:
    """Delete the history rows of every audited model written before `before` (retention), in
    batches of `batch` rows each in its own transaction; with `dry_run` only count them."""
    total = 0
    for model in audited_models():
        due = history_model(model).objects.filter(history_date__lt=before)
        if dry_run:
            total += due.count()
            continue
        while True:
            with transaction.atomic():
                ids = list(due.order_by("history_id").values_list("history_id", flat=True)[:batch])
                if not ids:
                    break
                history_model(model).objects.filter(history_id__in=ids).delete()
                total += len(ids)
    return total


def history_record_rows(*, model: type[Model], pks: Iterable[int], created: bool = False) -> None:
    """Write the history rows a queryset.update() or bulk_create() skipped: the rows as they are now,
    with the user and channel of the moment (one SELECT, one INSERT)."""
    objects = list(model._default_manager.filter(pk__in=list(pks)))
    if objects:
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        manager.bulk_history_create(objects, update=not created, default_change_reason=channel_reason())
