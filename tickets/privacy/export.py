"""Exporting everything held about a contact (a privacy request) as one zip of JSON and files.

The zip is written to a temporary file on disk, each attachment and raw mail copied in chunks and each
JSON list written row by row, so a contact with many large files never sits in memory. What it holds:
their profile and login, the tickets they requested or were copied on, the public messages of those
tickets and every message they wrote (with the files), ratings, referrals as the portal shows them
(team, state, times; never the teams' notes), the public events, the raw mail they sent, and their
comments on knowledge-base articles. Internal notes, and the notes agents keep on the contact, are left
out: the export is meant to be handed to the person, and the portal never shows them either.
"""

import json
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from customers import services as customer_services
from customers.models import Contact, PrivacyAction
from helpdesk import ratelimit
from helpdesk.exceptions import NotAllowed, TooManyAttempts
from helpdesk.permissions import is_admin
from knowledgebase.models import ArticleFeedback
from tickets.attachments.store import safe_filename
from tickets.models import InboundEmail, Message, Referral, SatisfactionRating, Ticket, TicketEvent
from tickets.privacy.erase import inbound_from, tickets_copying

CHUNK = 1024 * 1024
EXPORTS_PER_HOUR, EXPORT_WINDOW = 5, 3600  # a customer's own exports (administrators are not limited)


def contact_export(*, contact: Contact, actor) -> IO[bytes]:
    """The zip of a contact's data as an open temporary file (deleted when closed); administrators, and
    the customer themself from the portal or the API (art. 15/20) at most EXPORTS_PER_HOUR times an hour
    (TooManyAttempts); anyone else NotAllowed. Writes a PrivacyAction (who exported whom, when, how much)."""
    _check_allowed(contact, actor)
    ticket_ids = set(Ticket.objects.filter(requester=contact).values_list("pk", flat=True))
    ticket_ids |= tickets_copying(contact.email)
    out = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 (the caller streams and closes it)
    files: list[tuple[str, FieldFile]] = []  # copied once the JSON lists are written (one writer at a time)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _json(archive, "contact.json", _profile(contact))
        counts = {
            "tickets": _json_rows(archive, "tickets.json", _tickets(contact, ticket_ids)),
            "messages": _json_rows(archive, "messages.json", _messages(files, contact, ticket_ids)),
            "ratings": _json_rows(archive, "ratings.json", _ratings(contact, ticket_ids)),
            "referrals": _json_rows(archive, "referrals.json", _referrals(ticket_ids)),
            "events": _json_rows(archive, "events.json", _events(contact, ticket_ids)),
            "emails": _json_rows(archive, "emails.json", _emails(files, contact)),
            "article_feedback": _json_rows(archive, "article_feedback.json", _article_feedback(contact)),
        }
        counts["files"] = sum(_copy(archive, name, source) for name, source in files)
    customer_services.privacy_action_record(
        kind=PrivacyAction.Kind.EXPORT, contact=contact, actor=actor, summary=counts
    )
    out.seek(0)
    return out


def _check_allowed(contact: Contact, actor) -> None:
    if is_admin(actor):
        return
    if not customer_services.is_own_contact(user=actor, contact=contact):
        raise NotAllowed(_("Only administrators, and the customer themself, may export a contact's data."))
    # Each export reads every file the person ever sent: a customer's own are counted per login.
    key = ratelimit.cache_key("privacy-export", "user", str(actor.pk))
    count, left = ratelimit.window_count(key, window=EXPORT_WINDOW, now=ratelimit.clock())
    if count > EXPORTS_PER_HOUR:
        seconds = ratelimit.retry_seconds(left)
        detail = _("You have downloaded your data several times in the last hour. Please try again in %(wait)s.")
        raise TooManyAttempts(detail % {"wait": ratelimit.wait_text(seconds)}, retry_after=seconds)


def _json(archive: zipfile.ZipFile, name: str, value: Any) -> None:
    archive.writestr(name, json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))


def _json_rows(archive: zipfile.ZipFile, name: str, rows: Iterable[dict]) -> int:
    """Write a JSON list one row at a time; returns the number of rows."""
    count = 0
    with archive.open(name, "w", force_zip64=True) as member:
        member.write(b"[")
        for row in rows:
            member.write((",\n" if count else "\n").encode())
            member.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False).encode())
            count += 1
        member.write(b"\n]\n")
    return count


def _copy(archive: zipfile.ZipFile, name: str, source: FieldFile) -> bool:
    """Copy a stored file into the zip in chunks; False when the file is missing from storage."""
    try:
        source.open("rb")
    except FileNotFoundError:
        archive.writestr(name + ".missing.txt", "The stored file was missing when the export was made.\n")
        return False
    # Stored, not deflated: most attachments (images, PDFs, archives) are compressed already, and
    # deflating them again only costs time.
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    try:
        with archive.open(info, "w", force_zip64=True) as member:
            for chunk in source.chunks(CHUNK):
                member.write(chunk)
    finally:
        source.close()
    return True


def _profile(contact: Contact) -> dict:
    user = contact.user
    return {
        "id": contact.pk,
        "full_name": contact.full_name,
        "email": contact.email,
        "phone": contact.phone,
        "language": contact.language,
        "time_zone": contact.time_zone,
        "organization": contact.organization.name if contact.organization else None,
        "created_at": contact.created_at,
        "login": None
        if user is None
        else {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "time_zone": user.time_zone,
            "is_active": user.is_active,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
    }


def _tickets(contact: Contact, ticket_ids: set[int]) -> Iterator[dict]:
    rows = Ticket.objects.filter(pk__in=ticket_ids).select_related("team", "organization").order_by("pk")
    for t in rows.iterator(chunk_size=500):
        yield {
            "id": t.pk,
            "role": "requester" if t.requester_id == contact.pk else "cc",
            "subject": t.subject,
            "status": t.status,
            "priority": t.priority,
            "type": t.type,
            "channel": t.channel,
            "organization": t.organization.name if t.organization else None,
            "team": t.team.name if t.team else None,
            "cc_emails": t.cc_emails,
            "reply_to_email": t.reply_to_email,
            "created_at": t.created_at,
            "updated_at": t.updated_at,
            "solved_at": t.solved_at,
            "closed_at": t.closed_at,
        }


def _messages(files: list[tuple[str, FieldFile]], contact: Contact, ticket_ids: set[int]) -> Iterator[dict]:
    mine = Q(author_contact=contact) | Q(author_user_id=contact.user_id or 0)
    rows = (
        Message.objects.filter(Q(ticket_id__in=ticket_ids, internal=False) | mine)
        .select_related("author_user", "author_contact")
        .prefetch_related("attachments")
        .order_by("ticket_id", "created_at", "pk")
    )
    for m in rows.iterator(chunk_size=200):
        attachments = []
        for a in m.attachments.all():
            path = f"files/{m.ticket_id}/{a.pk}-{safe_filename(a.original_name)}"
            files.append((path, a.file))
            attachments.append({"name": a.original_name, "size": a.size, "content_type": a.content_type, "path": path})
        yield {
            "id": m.pk,
            "ticket": m.ticket_id,
            "by": "contact" if m.author_contact_id == contact.pk else ("agent" if m.is_from_agent else "other"),
            "author": str(m.author_contact or m.author_user or ""),
            "channel": m.channel,
            "body_text": m.body_text,
            "body_html": m.body_html,
            "created_at": m.created_at,
            "attachments": attachments,
        }


def _ratings(contact: Contact, ticket_ids: set[int]) -> Iterator[dict]:
    rows = SatisfactionRating.objects.filter(Q(contact=contact) | Q(ticket_id__in=ticket_ids)).order_by("pk")
    for r in rows:
        yield {
            "ticket": r.ticket_id,
            "score": r.score,
            "comment": r.comment,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
        }


def _referrals(ticket_ids: set[int]) -> Iterator[dict]:
    rows = Referral.objects.filter(ticket_id__in=ticket_ids).select_related("to_team").order_by("pk")
    for r in rows:
        yield {
            "ticket": r.ticket_id,
            "team": r.to_team.name,
            "state": r.state,
            "created_at": r.created_at,
            "answered_at": r.answered_at,
        }


def _events(contact: Contact, ticket_ids: set[int]) -> Iterator[dict]:
    mine = Q(actor_id=contact.user_id) if contact.user_id else Q(pk__in=[])
    rows = TicketEvent.objects.filter(Q(ticket_id__in=ticket_ids, public=True) | mine).order_by("pk")
    for e in rows.iterator(chunk_size=1000):
        yield {
            "ticket": e.ticket_id,
            "kind": e.kind,
            "field": e.field,
            "old": e.old_value,
            "new": e.new_value,
            "created_at": e.created_at,
        }


def _emails(files: list[tuple[str, FieldFile]], contact: Contact) -> Iterator[dict]:
    """The raw mail they sent, as received (.eml files)."""
    mine = inbound_from(contact.email) | Q(ticket_message__author_contact=contact)
    for mail in InboundEmail.objects.filter(mine).exclude(raw="").order_by("pk").iterator(chunk_size=200):
        path = f"mail/{mail.pk}.eml"
        files.append((path, mail.raw))
        yield {
            "id": mail.pk,
            "ticket": mail.ticket_id,
            "subject": mail.subject,
            "sender": mail.sender,
            "received_at": mail.received_at,
            "path": path,
        }


def _article_feedback(contact: Contact) -> Iterator[dict]:
    if contact.user_id is None:
        return
    for f in ArticleFeedback.objects.filter(user_id=contact.user_id).select_related("article").order_by("pk"):
        yield {"article": f.article.title, "helpful": f.helpful, "comment": f.comment, "created_at": f.created_at}
