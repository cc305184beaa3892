"""Fetching mail over IMAP: claim a mailbox, ingest its unseen messages, mark each done.

A message is marked \\Seen (or moved to the processed folder) only after ``email_ingest``
returned, i.e. after its transaction committed; a crash in between means the message is
fetched again and deduplicated on its Message-ID.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
import time
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from helpdesk import crypto
from tickets.email.ingest import email_ingest
from tickets.models import Mailbox

logger = logging.getLogger(__name__)

# A poll claims its mailbox for this long; a poll stops fetching well before it runs out (and
# before Celery's soft time limit), so two polls never work on one mailbox at once.
CLAIM_SECONDS = 55
FETCH_BUDGET_SECONDS = 40
BATCH = 200
TIMEOUT_SECONDS = 30


class ImapError(Exception):
    """The server refused a command."""


def mailbox_claim(*, mailbox: Mailbox, now: datetime) -> bool:
    """Take the mailbox for one poll: a conditional UPDATE of last_polled_at; False when
    another poll holds it (or it was switched off)."""
    return bool(
        Mailbox.objects.filter(pk=mailbox.pk, is_active=True)
        .filter(Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=now - timedelta(seconds=CLAIM_SECONDS)))
        .update(last_polled_at=now)
    )


def mailboxes_poll(*, now: datetime | None = None) -> dict[str, int]:
    """Poll every active IMAP mailbox once; {mailbox address: messages ingested}."""
    now = now or timezone.now()
    result: dict[str, int] = {}
    for mailbox in Mailbox.objects.filter(is_active=True).exclude(imap_host="").select_related("team"):
        result[mailbox.address] = mailbox_poll(mailbox=mailbox, now=now)
    return result


def mailbox_poll(*, mailbox: Mailbox, now: datetime | None = None) -> int:
    """Fetch and ingest the unseen mail of one mailbox; connection errors are stored in
    ``last_error`` and logged, never raised. Returns how many messages were ingested."""
    if connection.in_atomic_block:
        # \\Seen must follow a commit; inside a caller's transaction it would come first.
        raise RuntimeError("mailbox_poll must not run inside a transaction")
    now = now or timezone.now()
    if not mailbox_claim(mailbox=mailbox, now=now):
        return 0
    done = 0
    try:
        client = _connect(mailbox)
        try:
            done = _fetch_all(client, mailbox)
        finally:
            try:
                client.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
    except (imaplib.IMAP4.error, ImapError, OSError, ssl.SSLError, EOFError, crypto.SecretUnavailable) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("mailbox %s (%s): IMAP failed: %s", mailbox.pk, mailbox.address, error)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=f"{timezone.now():%Y-%m-%d %H:%M:%S} UTC {error}")
        return done
    Mailbox.objects.filter(pk=mailbox.pk).exclude(last_error="").update(last_error="")
    return done


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    password = mailbox.get_imap_password()  # before any connection: an unreadable password is our error
    host, port = mailbox.imap_host, mailbox.imap_port
    if mailbox.imap_security == Mailbox.Security.SSL:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            host, port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT_SECONDS
        )
    else:
        client = imaplib.IMAP4(host, port, timeout=TIMEOUT_SECONDS)
        if mailbox.imap_security == Mailbox.Security.STARTTLS:
            client.starttls(ssl_context=ssl.create_default_context())
    client.login(mailbox.imap_username, password)
    return client


def _quote(name: str) -> str:
    """A folder name as an IMAP quoted string."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(typ: str, data, what: str) -> None:
    if typ != "OK":
        raise ImapError(f"{what}: {typ} {data!r}"[:500])


def _fetch_all(client: imaplib.IMAP4, mailbox: Mailbox) -> int:
    typ, data = client.select(_quote(mailbox.imap_folder or "INBOX"))
    _check(typ, data, "SELECT")
    typ, data = client.uid("SEARCH", "UNSEEN")  # no CHARSET argument (imaplib skips a None one)
    _check(typ, data, "SEARCH")
    uids = (data[0] or b"").split() if data else []
    can_move = "MOVE" in client.capabilities
    deadline = time.monotonic() + FETCH_BUDGET_SECONDS
    done = 0
    for uid in uids[:BATCH]:
        if time.monotonic() > deadline:
            break
        uid_text = uid.decode("ascii")
        # BODY.PEEK: fetching must not set \Seen before the message is safely stored.
        typ, data = client.uid("FETCH", uid_text, "(BODY.PEEK[])")
        _check(typ, data, "FETCH")
        raw = _raw_from_fetch(data)
        if raw is None:
            logger.warning("mailbox %s: UID %s has no body, skipped", mailbox.pk, uid_text)
            continue
        inbound = email_ingest(raw=raw, mailbox=mailbox)  # committed when it returns
        _mark_done(client, mailbox, uid_text, can_move=can_move)
        done += 1
        logger.info("mailbox %s: UID %s ingested as inbound %s (%s)", mailbox.pk, uid_text, inbound.pk, inbound.status)
    return done


def _raw_from_fetch(data) -> bytes | None:
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2 and re.search(rb"BODY\[\]", item[0] or b""):
            return item[1]
    return None


def _mark_done(client: imaplib.IMAP4, mailbox: Mailbox, uid: str, *, can_move: bool) -> None:
    typ, data = client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    _check(typ, data, "STORE")
    if not mailbox.processed_folder:
        return
    target = _quote(mailbox.processed_folder)
    if can_move:
        typ, data = client.uid("MOVE", uid, target)
        _check(typ, data, "MOVE")
        return
    typ, data = client.uid("COPY", uid, target)
    _check(typ, data, "COPY")
    typ, data = client.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
    _check(typ, data, "STORE")
    client.expunge()
