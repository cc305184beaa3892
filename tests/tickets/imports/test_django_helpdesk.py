"""Importing from a real django-helpdesk database: built here from its PyPI package, in a separate
virtualenv (its package is also called `helpdesk`), migrated into a PostgreSQL database of its own and
filled through its own ORM (django_helpdesk_seed.py); read through a second database alias."""

import json
import os
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from bench.peer_venv import PackagesUnreachable, venv_python
from helpdesk.models import NotificationLog, Role, Team, User
from tickets.models import Attachment, ImportRecord, Message, Status, Ticket

SEED = Path(__file__).parent / "django_helpdesk_seed.py"
ALIAS = "helpdesk_source"
T0 = datetime(2021, 3, 1, 9, 30, tzinfo=UTC)


def _venv_python() -> Path:
    """The virtualenv with django-helpdesk (shared with bench/peer.py), or a skip when PyPI is unreachable."""
    try:
        return venv_python()
    except PackagesUnreachable as exc:
        pytest.skip(f"PyPI is unreachable: {exc}")


def _server() -> dict:
    default = connections["default"].settings_dict
    return {
        "host": default["HOST"],
        "port": default["PORT"] or 5432,
        "user": default["USER"],
        "password": default["PASSWORD"],
    }


def _admin(sql: str) -> None:
    connection = psycopg2.connect(dbname="postgres", **_server())
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A django-helpdesk database and media folder, filled by django-helpdesk itself; dropped afterwards."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("the django-helpdesk source is built in PostgreSQL")
    python = _venv_python()
    name = f"dhsrc_{uuid.uuid4().hex[:12]}"
    media = tmp_path_factory.mktemp("django_helpdesk_media")
    server = _server()
    _admin(f"CREATE DATABASE {name}")
    try:
        url = f"postgres://{server['user']}:{server['password'] or ''}@{server['host']}:{server['port']}/{name}"
        env = {**os.environ, "SOURCE_DATABASE_URL": url, "SOURCE_MEDIA_ROOT": str(media)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        seeded = subprocess.run([str(python), str(SEED)], env=env, capture_output=True, text=True, timeout=300)
        assert seeded.returncode == 0, seeded.stderr
        yield {"name": name, "media": media, **json.loads(seeded.stdout)}
    finally:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def alias(source):
    """The second alias, as IMPORT_DATABASE_URL would configure it (added for this test only)."""
    settings = dict(connections["default"].settings_dict, NAME=source["name"])
    connections.settings[ALIAS] = connections.configure_settings({"default": settings, ALIAS: settings})[ALIAS]
    # Connected here: Django's test case lets a test use only the aliases it declared before it began,
    # unless the connection is already open (which a real run's alias would be anyway on first use).
    connections[ALIAS].connect()
    yield ALIAS
    connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def run(source, *extra: str) -> str:
    out = StringIO()
    call_command(
        "import_tickets",
        "django-helpdesk",
        "--database",
        ALIAS,
        "--media-root",
        str(source["media"]),
        *extra,
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


def imported(source_id) -> Ticket:
    record = ImportRecord.objects.get(source__startswith="django-helpdesk:", kind="ticket", source_id=str(source_id))
    return Ticket.objects.get(pk=record.object_id)


@pytest.mark.django_db
def test_django_helpdesk_queues_users_tickets_follow_ups_and_files_arrive(source, alias):
    report = run(source)

    assert Team.objects.filter(name__in=["Support", "صورتحساب"]).count() == 2
    assert User.objects.get(email="sara@source.example").role == Role.AGENT
    printer = imported(source["open"])
    assert printer.status == Status.OPEN and printer.priority == "high" and printer.team.name == "Support"
    assert printer.assignee.email == "sara@source.example"
    assert printer.created_at == T0 and printer.requester.full_name == "رضا محمدی"
    description, reply, note, customer_reply = printer.messages.order_by("created_at")
    assert description.body_text == "It prints nothing." and description.created_at == T0
    assert reply.author_user.email == "sara@source.example" and not reply.internal
    assert reply.created_at == T0 + timedelta(hours=1)
    assert note.internal and note.body_text == "Internal: spare in stock."
    assert customer_reply.author_contact == printer.requester
    attachment = Attachment.objects.get(message=customer_reply)
    assert attachment.original_name == "log.bin" and attachment.file.read() == bytes(range(256)) * 4

    invoice = imported(source["closed"])
    assert invoice.status == Status.CLOSED and invoice.subject == "درخواست فاکتور"
    assert invoice.priority == "urgent" and invoice.team.name == "صورتحساب"
    assert invoice.closed_at == T0 - timedelta(days=29)  # the follow-up that closed it
    assert invoice.messages.first().body_text == "لطفاً فاکتور ماه گذشته را بفرستید."
    assert imported(source["resolved"]).status == Status.SOLVED
    assert imported(source["resolved"]).priority == "low"
    assert f"ticket {source['nobody']}: The ticket has no requester." in report
    assert NotificationLog.objects.count() == 0


@pytest.mark.django_db
def test_a_second_django_helpdesk_run_imports_nothing(source, alias):
    run(source)
    counts = (Ticket.objects.count(), Message.objects.count(), Attachment.objects.count(), User.objects.count())
    report = run(source)
    assert (Ticket.objects.count(), Message.objects.count(), Attachment.objects.count(), User.objects.count()) == counts
    assert "ticket: 0 imported, 3 already there, 1 skipped" in report


@pytest.mark.django_db
def test_a_django_helpdesk_run_that_crashed_mid_way_resumes(source, alias, monkeypatch):
    from tickets.imports import service

    real = service._message_import
    calls = {"n": 0}

    def crash_on_the_fifth_message(**kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("killed")
        return real(**kwargs)

    monkeypatch.setattr(service, "_message_import", crash_on_the_fifth_message)
    with pytest.raises(RuntimeError):
        run(source)
    assert Ticket.objects.count() == 1  # the first ticket committed, the second rolled back whole
    monkeypatch.setattr(service, "_message_import", real)
    run(source)
    assert Ticket.objects.count() == 3
    assert Message.objects.count() == ImportRecord.objects.filter(kind="message").count() == 7


@pytest.mark.django_db
def test_without_the_media_root_attachments_are_reported_not_fatal(source, alias):
    out = StringIO()
    call_command("import_tickets", "django-helpdesk", "--database", ALIAS, stdout=out, stderr=StringIO())
    assert "Not read: give --media-root" in out.getvalue()
    assert Attachment.objects.count() == 0 and Ticket.objects.count() == 3


@pytest.mark.django_db
def test_an_unknown_alias_is_a_clear_error():
    with pytest.raises(CommandError, match="IMPORT_DATABASE_URL"):
        call_command("import_tickets", "django-helpdesk", "--database", "nowhere", stderr=StringIO())
