"""IMAP polling against a real, private dovecot; the whole round trip with a real worker and SMTP."""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from django.utils import timezone

from helpdesk import crypto
from tests.conftest import free_port, wait_for
from tests.tickets.conftest import make_mail
from tickets import services
from tickets.email import imap
from tickets.email import tasks as tasks_email
from tickets.models import InboundEmail, Mailbox, Message, Ticket

DOVECOT = Path("/usr/sbin/dovecot")
USER, PASSWORD = "helpdesk", "imap-secret-1"
MAIL_UID = 65534  # nobody: dovecot refuses to give mail to root


@pytest.fixture(scope="module")
def dovecot():
    """A private dovecot (IMAP on 127.0.0.1, no TLS, one passwd-file user, maildir in a temp dir)."""
    if not DOVECOT.exists():
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    if os.geteuid() != 0:
        pytest.skip("the private dovecot runs as root")
    root = Path(tempfile.mkdtemp(prefix="hd-dovecot-"))  # short: unix socket paths are limited
    root.chmod(0o755)
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
    for sub in ("mail", "home"):
        os.chown(root / sub, MAIL_UID, MAIL_UID)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{MAIL_UID}:{MAIL_UID}::{root}/home/{USER}::\n")
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(
        textwrap.dedent(
            f"""\
            protocols = imap
            listen = 127.0.0.1
            base_dir = {root}/run
            state_dir = {root}/state
            log_path = {root}/dovecot.log
            info_log_path = {root}/dovecot.log
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:{root}/mail/%u
            default_login_user = dovenull
            default_internal_user = dovecot
            passdb {{
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {root}/users
            }}
            userdb {{
              driver = passwd-file
              args = username_format=%u {root}/users
            }}
            service imap-login {{
              inet_listener imap {{
                address = 127.0.0.1
                port = {port}
              }}
              inet_listener imaps {{
                port = 0
              }}
            }}
            """
        )
    )
    process = subprocess.Popen(
        [str(DOVECOT), "-c", str(config), "-F"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            imaplib.IMAP4("127.0.0.1", port, timeout=2).logout()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log = (root / "dovecot.log").read_text(errors="replace") if (root / "dovecot.log").exists() else ""
                pytest.fail(f"dovecot did not start: {process.stdout.read()!r}\n{log}")
            time.sleep(0.1)
    try:
        yield {"port": port, "root": root}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


def _client(dovecot) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", dovecot["port"], timeout=10)
    client.login(USER, PASSWORD)
    return client


@pytest.fixture
def imap_box(dovecot):
    """An empty INBOX and Processed folder; yields a logged-in client."""
    client = _client(dovecot)
    client.create("Processed")
    for folder in ("INBOX", "Processed"):
        _typ, data = client.select(folder)
        if int(data[0]):
            client.store("1:*", "+FLAGS", "(\\Deleted)")
            client.expunge()
    client.select("INBOX")
    yield client
    client.logout()


def _append(client: imaplib.IMAP4, raw: bytes, folder: str = "INBOX") -> None:
    typ, data = client.append(folder, None, None, raw)
    assert typ == "OK", data


def _flags(client: imaplib.IMAP4, folder: str = "INBOX") -> list[bytes]:
    _typ, data = client.select(folder)
    if not int(data[0]):
        return []
    _typ, data = client.fetch("1:*", "(FLAGS)")
    return [item for item in data if item]


@pytest.fixture
def imap_mailbox(dovecot, team):
    return Mailbox.objects.create(
        name="Support",
        address="support@helpdesk.test",
        team=team,
        imap_host="127.0.0.1",
        imap_port=dovecot["port"],
        imap_security=Mailbox.Security.NONE,
        imap_username=USER,
        imap_password=crypto.encrypt(PASSWORD),
    )


def _poll_again(mailbox: Mailbox) -> dict:
    """The next beat, a minute later."""
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=None)
    return tasks_email.poll_mailboxes()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_unseen_mail_becomes_tickets_and_is_flagged_seen_after_commit(imap_box, imap_mailbox):
    _append(imap_box, make_mail(sender="erin@customer.test", subject="VPN down"))
    _append(imap_box, b"\x00\x01garbage\x00" * 40)

    assert tasks_email.poll_mailboxes() == {"support@helpdesk.test": 2}
    assert Ticket.objects.get().subject == "VPN down"
    assert InboundEmail.objects.filter(status="quarantined").count() == 1  # kept for a human, not re-fetched
    assert all(b"\\Seen" in flags for flags in _flags(imap_box))
    assert _poll_again(imap_mailbox) == {"support@helpdesk.test": 0}
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_error == "" and imap_mailbox.last_polled_at is not None


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_processed_mail_is_moved_to_the_processed_folder(imap_box, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(processed_folder="Processed")
    _append(imap_box, make_mail(sender="erin@customer.test"))

    tasks_email.poll_mailboxes()
    assert Ticket.objects.count() == 1
    assert _flags(imap_box, "INBOX") == []
    moved = _flags(imap_box, "Processed")
    assert len(moved) == 1 and b"\\Seen" in moved[0]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_claimed_mailbox_is_not_polled_twice_at_once(imap_box, imap_mailbox):
    now = timezone.now()
    assert imap.mailbox_claim(mailbox=imap_mailbox, now=now)
    _append(imap_box, make_mail(sender="erin@customer.test"))
    assert imap.mailbox_poll(mailbox=imap_mailbox, now=now) == 0  # another poll holds it
    assert not Ticket.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_connection_errors_are_stored_and_never_raised(team):
    mailbox = Mailbox.objects.create(
        name="Dead",
        address="dead@helpdesk.test",
        team=team,
        imap_host="127.0.0.1",
        imap_port=free_port(),
        imap_security=Mailbox.Security.NONE,
    )
    assert tasks_email.poll_mailboxes() == {"dead@helpdesk.test": 0}
    mailbox.refresh_from_db()
    assert "ConnectionRefusedError" in mailbox.last_error


@pytest.mark.django_db(transaction=True)
def test_a_password_no_key_opens_is_reported_without_connecting(team, settings):
    listener = socket.create_server(("127.0.0.1", 0))  # would accept a connection: none must come
    listener.settimeout(0.5)
    settings.HELPDESK_ENCRYPTION_KEYS = ["the key of another server"]
    stored = crypto.encrypt("hunter2")
    settings.HELPDESK_ENCRYPTION_KEYS = []
    mailbox = Mailbox.objects.create(
        name="Moved",
        address="moved@helpdesk.test",
        team=team,
        imap_host="127.0.0.1",
        imap_port=listener.getsockname()[1],
        imap_security=Mailbox.Security.NONE,
        imap_password=stored,
    )
    try:
        assert tasks_email.poll_mailboxes() == {"moved@helpdesk.test": 0}
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
    mailbox.refresh_from_db()
    assert "SecretUnavailable" in mailbox.last_error and "enter it again" in mailbox.last_error


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_stored_as_the_mailbox_error(imap_box, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(imap_password=crypto.encrypt("wrong"))
    assert tasks_email.poll_mailboxes() == {"support@helpdesk.test": 0}
    imap_mailbox.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in imap_mailbox.last_error or "failed" in imap_mailbox.last_error.lower()


@pytest.fixture
def mail_worker(smtp_server, monkeypatch, request):
    """A real Celery worker whose mail goes to the loopback SMTP server."""
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp_server.port}")
    return request.getfixturevalue("celery_worker")


def _agent_reply_mail(smtp_server, ticket):
    for _envelope, mail in list(smtp_server.messages):
        if str(mail["Subject"]) == f"[#{ticket.pk}] {ticket.subject}" and mail["Auto-Submitted"] is None:
            return mail
    return None


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_round_trip_imap_to_ticket_to_smtp_and_the_answer_back_to_the_same_ticket(
    imap_box, imap_mailbox, smtp_server, mail_worker, agent
):
    first = make_mail(sender="Erin <erin@customer.test>", subject="VPN down", body="Nothing connects.")
    _append(imap_box, first)
    tasks_email.poll_mailboxes()
    ticket = Ticket.objects.get()
    customer_message = ticket.messages.get()

    services.ticket_reply(ticket=ticket, actor=agent, body="Please restart the router.")
    assert wait_for(lambda: _agent_reply_mail(smtp_server, ticket) is not None, timeout=60)
    reply = _agent_reply_mail(smtp_server, ticket)
    assert reply["In-Reply-To"] == f"<{customer_message.email_message_id}>"
    assert f"<{customer_message.email_message_id}>" in reply["References"]
    assert reply["Reply-To"] == "Support <support@helpdesk.test>"
    assert reply["Message-ID"].endswith(">") and "@" in reply["Message-ID"]

    answer = make_mail(
        sender="erin@customer.test",
        subject="Re: it works now",
        body="It works now, thanks!\n\n> Please restart the router.",
        in_reply_to=reply["Message-ID"],
        references=f"<{customer_message.email_message_id}> {reply['Message-ID']}",
    )
    _append(imap_box, answer)
    assert _poll_again(imap_mailbox) == {"support@helpdesk.test": 1}

    assert Ticket.objects.count() == 1
    last = Message.objects.filter(ticket=ticket).latest("id")
    assert last.body_text == "It works now, thanks!" and not last.internal and last.author_contact is not None
    assert all(b"\\Seen" in flags for flags in _flags(imap_box))
