"""The outbox package sits below every app: it imports none of them (not even inside a function),
every mail template has a builder plugged in from above, and a row it cannot write fails visibly."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from helpdesk.models import NotificationLog
from helpdesk.outbox import registry
from helpdesk.outbox.queue import notification_queue
from helpdesk.outbox.sending import notification_send
from tickets.models import EventKind

ROOT = Path(settings.BASE_DIR)
APPS_ABOVE = ("customers", "knowledgebase", "tickets")


def _imports(path: Path) -> list[str]:
    """Every module a file imports, at its top or anywhere inside."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += names
    return found


def test_the_outbox_imports_no_app_above_it_not_even_inside_a_function():
    files = sorted((ROOT / "helpdesk" / "outbox").glob("*.py"))
    assert files
    upward = [(path.name, module) for path in files for module in _imports(path) if module.split(".")[0] in APPS_ABOVE]
    assert upward == []


@pytest.mark.parametrize(
    "module", ["helpdesk/outbox", "tickets/notifications.py", "tickets/webhooks.py", "tickets/tasks.py"]
)
def test_the_outbox_and_its_ticket_side_import_at_the_top_of_their_files(module):
    """No import hidden in a function to hold an import circle apart (TYPE_CHECKING blocks aside)."""
    path = ROOT / module
    files = sorted(path.glob("*.py")) if path.is_dir() else [path]
    local = []
    for file in files:
        tree = ast.parse(file.read_text())
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]:
            local += [
                (file.name, function.name) for n in ast.walk(function) if isinstance(n, ast.Import | ast.ImportFrom)
            ]
    assert local == []


def test_every_mail_template_has_a_builder():
    templates = {
        path.name.removesuffix(".subject.txt") for path in (ROOT / "templates" / "emails").glob("*.subject.txt")
    }
    # a sign-up request's row is written with the mail it becomes (account_verify or account_exists,
    # named by its builder: tests/customers/test_signup_same_work.py sends each)
    assert templates and templates == registry.mail_templates() - {"account_signup"}


def test_every_ticket_event_is_a_webhook_event():
    """Every ticket event, plus the product feedback and sales events (tickets.feedback, tickets.opportunities)."""
    others = {"feedback_item.status_changed", "opportunity.created"}
    assert set(registry.webhook_event_names()) == {f"ticket.{kind}" for kind in EventKind.values} | others


@pytest.mark.django_db
def test_a_row_whose_template_has_no_builder_fails_visibly_and_stays_for_a_retry(mailoutbox):
    row = notification_queue(key="odd:1", recipient="someone@example.com", template="no_such_template", context={})
    with pytest.raises(LookupError):
        notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1 and "no_such_template" in row.last_error
    assert not mailoutbox


@pytest.mark.django_db
def test_a_key_is_queued_once():
    first = notification_queue(key="once:1", recipient="a@example.com", template="account_verify", context={})
    again = notification_queue(key="once:1", recipient="a@example.com", template="account_verify", context={})
    assert first is not None and again is None
    assert NotificationLog.objects.filter(key="once:1").count() == 1


@pytest.mark.django_db
def test_the_admin_lists_the_outbox_and_resends_a_row(client, admin_user, django_capture_on_commit_callbacks):
    row = notification_queue(key="admin:1", recipient="a@example.com", template="account_verify", context={})
    NotificationLog.objects.filter(pk=row.pk).update(attempts=8, last_error="SMTP down")
    client.force_login(admin_user)
    assert client.get("/admin/helpdesk/notificationlog/").status_code == 200
    assert client.get(f"/admin/helpdesk/notificationlog/{row.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/admin/helpdesk/notificationlog/", {"action": "retry", "_selected_action": [row.pk]})
    assert response.status_code == 302 and len(callbacks) == 1
    row.refresh_from_db()
    assert row.attempts == 0 and row.sent_at is None
