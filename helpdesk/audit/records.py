"""Who changed configuration and customer records, when, from what to what (django-simple-history).

Each audited model declares `history = AuditedRecords(excluded_fields=[...])`: every save and delete
through the ORM writes one row to its `Historical<Model>` table with the values after the change, the
user and a reason naming the channel ("page", "api", "admin", "task: <name>", "command: <name>").
The user comes from, in this order: `audit_context(user=...)` around the write, the request of the
page, admin or API call (simple-history's `HistoryRequestMiddleware` keeps the request; DRF sets the
token user on the same request when the view authenticates it), else nobody (a job of the system).
Secrets and bookkeeping columns are never copied (`excluded_fields`); a save that names only such
columns (`update_fields=["last_login"]`) writes no row at all, unless one of them is a secret named in
`secret_fields`: then the row says that the secret changed (never its value).
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from simple_history.models import HistoricalRecords


@dataclass(frozen=True)
class _Context:
    user: Any
    reason: str


_current: ContextVar[_Context | None] = ContextVar("helpdesk_audit_context", default=None)


@contextmanager
def audit_context(*, user=None, reason: str) -> Iterator[None]:
    """Name who (a user, or None for the system) and why for every history row written inside."""
    token = _current.set(_Context(user=user, reason=reason[:100]))
    try:
        yield
    finally:
        _current.reset(token)


def _request():
    return getattr(HistoricalRecords.context, "request", None)


def _running_task() -> str | None:
    from celery._state import get_current_task

    task = get_current_task()
    return task.name if task is not None else None


def _command() -> str | None:
    program = sys.argv[0] if sys.argv else ""
    if program.endswith(("manage.py", "django-admin")) and len(sys.argv) > 1:
        return sys.argv[1]
    return None


def channel_reason() -> str:
    """Why a row is written: the explicit context, the kind of request, the task or the command."""
    context = _current.get()
    if context is not None:
        return context.reason
    request = _request()
    if request is not None:
        path = getattr(request, "path", "")
        return "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "page"
    task = _running_task()
    if task:
        return f"task: {task}"[:100]
    command = _command()
    return f"command: {command}"[:100] if command else "system"


class AuditedRecords(HistoricalRecords):
    """HistoricalRecords with the project's rules for the user, the reason and bookkeeping saves."""

    def __init__(self, *args, secret_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.secret_fields = set(secret_fields)

    def get_history_user(self, instance):
        if hasattr(instance, "_history_user"):
            return instance._history_user
        context = _current.get()
        if context is not None:
            user = context.user
            return user if user is not None and user.is_authenticated else None
        return super().get_history_user(instance)

    def get_meta_options(self, model):
        """Also an index on (object, history id): the log finds the row before each change with it."""
        from django.db.models import Index

        options = super().get_meta_options(model)
        options["indexes"] = [*options.get("indexes", ()), Index(fields=[model._meta.pk.attname, "history_id"])]
        return options

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using) or channel_reason()
        secrets = getattr(instance, "_audit_secrets_changed", None)
        return f"{reason}; changed: {', '.join(secrets)}"[:100] if secrets else reason

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        secrets = sorted(self.secret_fields.intersection(update_fields or ()))
        if update_fields and not created and not secrets:
            tracked = {name for f in self.fields_included(instance) for name in (f.name, f.attname)}
            if not tracked.intersection(update_fields):
                return  # only bookkeeping columns changed (a login time, a last-use stamp)
        instance._audit_secrets_changed = secrets
        try:
            super().post_save(instance, created, using=using, **kwargs)
        finally:
            del instance._audit_secrets_changed


def audited(*models, **config) -> None:
    """Give each model a history (the same as declaring `history = AuditedRecords(**config)` on it)."""
    from simple_history import register

    for model in models:
        register(model, records_class=AuditedRecords, **config)
