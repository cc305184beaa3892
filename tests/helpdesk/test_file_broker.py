"""The embedded file broker (no REDIS_URL) never hands a worker a message or an exchange table that is
still being written (kombu issue #1551: the worker stopped on a JSONDecodeError and took `make run`'s
web server and scheduler down with it)."""

import json
import os
import subprocess
import sys
from queue import Empty

import pytest
from kombu import Connection

from helpdesk import file_broker


@pytest.fixture
def connection(tmp_path):
    for folder in ("queue", "processed", "control"):
        (tmp_path / folder).mkdir()
    options = {
        "data_folder_in": str(tmp_path / "queue"),
        "data_folder_out": str(tmp_path / "queue"),
        "processed_folder": str(tmp_path / "processed"),
        "control_folder": str(tmp_path / "control"),
    }
    with Connection("filesystem://localhost//", transport=file_broker.Transport, transport_options=options) as conn:
        yield conn


def test_a_message_goes_through_and_leaves_nothing_behind(connection, tmp_path):
    queue = connection.SimpleQueue("helpdesk")
    queue.put({"task": "tickets.tasks.sla_sweep", "text": "درخواست"})
    message = queue.get(timeout=1)
    assert message.payload == {"task": "tickets.tasks.sla_sweep", "text": "درخواست"}
    message.ack()
    assert os.listdir(tmp_path / "queue") == []
    queue.close()


def test_a_reader_polling_while_a_message_is_written_sees_no_file_until_it_is_whole(connection, monkeypatch):
    channel = connection.default_channel
    real_replace = os.replace
    seen_while_writing = []

    def replace(src, dst):
        with open(src, "rb") as part:
            assert json.loads(part.read()) == {"body": "whole"}  # written in full before it is named
        try:
            seen_while_writing.append(channel._get("helpdesk"))
        except Empty:
            seen_while_writing.append(None)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    channel._put("helpdesk", {"body": "whole"})
    assert seen_while_writing == [None]
    assert channel._get("helpdesk") == {"body": "whole"}
    assert channel._size("helpdesk") == 0


def test_a_message_that_cannot_be_written_is_an_error_and_leaves_no_part_file(connection, tmp_path, monkeypatch):
    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(file_broker.ChannelError, match="Cannot add file"):
        connection.default_channel._put("helpdesk", {"body": "lost?"})
    assert os.listdir(tmp_path / "queue") == []


def test_an_exchange_table_is_created_whole_and_then_updated(connection, tmp_path, monkeypatch):
    channel = connection.default_channel
    real_link = os.link
    tables_while_writing = []

    def link(src, dst):
        tables_while_writing.append(channel.get_table("celery.pidbox"))
        real_link(src, dst)

    monkeypatch.setattr(os, "link", link)
    channel._queue_bind("celery.pidbox", "", "", "one.celery.pidbox")
    channel._queue_bind("celery.pidbox", "", "", "two.celery.pidbox")
    channel._queue_bind("celery.pidbox", "", "", "two.celery.pidbox")
    assert tables_while_writing == [[]]  # not there yet (rather than there and empty); then updated in place
    assert [row.queue for row in channel.get_table("celery.pidbox")] == ["two.celery.pidbox", "one.celery.pidbox"]
    assert sorted(os.listdir(tmp_path / "control")) == ["celery.pidbox.exchange"]


def test_without_redis_the_celery_app_uses_this_transport_and_any_other_url_its_own(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    environ.update(HELPDESK_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="helpdesk.settings")
    code = (
        "from helpdesk.celery import app\n"
        "print(type(app.connection_for_write().transport).__module__)\n"
        "print(type(app.connection_for_write('redis://127.0.0.1:6379/0').transport).__module__)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["helpdesk.file_broker", "kombu.transport.redis"]
