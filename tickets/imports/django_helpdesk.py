"""django-helpdesk (https://github.com/django-helpdesk/django-helpdesk, 1.x and 2.x schemas) read from its
own database through a second database alias, in plain SQL: its Python package is also called `helpdesk`,
so its models are never imported here.

Queues -> teams; staff users -> agents, other users and submitter addresses -> contacts; tickets (the
description is the first message unless a follow-up repeats it), follow-ups -> replies (public) or internal
notes, follow-up attachments (read from its MEDIA_ROOT, `--media-root`).
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from django.db import DatabaseError, connections
from django.utils.translation import gettext as _

from helpdesk.models import Priority
from tickets.imports.dates import parse_required
from tickets.imports.records import AttachmentIn, MessageIn, PersonIn, Skip, SkippedIn, SourceError, TeamIn, TicketIn
from tickets.models import Channel, Status

# django-helpdesk's default status numbers (helpdesk/settings.py there) -> ours.
OPEN, REOPENED, RESOLVED, CLOSED, DUPLICATE = 1, 2, 3, 4, 5
# django-helpdesk's priorities: 1 critical, 2 high, 3 normal, 4 low, 5 very low.
PRIORITIES = {1: Priority.URGENT, 2: Priority.HIGH, 3: Priority.NORMAL, 4: Priority.LOW, 5: Priority.LOW}
BATCH = 200


class DjangoHelpdeskSource:
    def __init__(self, *, database: str, media_root: str | None = None) -> None:
        if database not in connections.settings:
            raise SourceError(
                _("No database alias %(alias)s is configured (set IMPORT_DATABASE_URL).") % {"alias": database}
            )
        self.database = database
        self.media_root = Path(media_root) if media_root else None
        self.key = f"django-helpdesk:{connections.settings[database]['NAME']}"
        self._users: dict[int, PersonIn] | None = None
        self._customers: dict[str, PersonIn] | None = None  # by lower-cased address

    def _rows(self, sql: str, params: list | tuple = ()) -> list[dict]:
        try:
            with connections[self.database].cursor() as cursor:
                cursor.execute(sql, params)
                names = [column[0] for column in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except DatabaseError as exc:
            raise SourceError(_("The django-helpdesk database cannot be read: %(error)s") % {"error": exc}) from exc

    def teams(self) -> Iterator[TeamIn | SkippedIn]:
        for row in self._rows("SELECT id, title, email_address FROM helpdesk_queue ORDER BY id"):
            yield TeamIn(source_id=f"queue:{row['id']}", name=row["title"], email=row["email_address"] or "")

    def users(self) -> dict[int, PersonIn]:
        if self._users is None:
            rows = self._rows("SELECT id, email, first_name, last_name, is_staff FROM auth_user ORDER BY id")
            self._users = {
                row["id"]: PersonIn(
                    source_id=f"user:{row['id']}",
                    email=row["email"] or "",
                    full_name=f"{row['first_name']} {row['last_name']}".strip(),
                    is_agent=bool(row["is_staff"]),
                )
                for row in rows
            }
        return self._users

    def people(self) -> Iterator[PersonIn | SkippedIn]:
        yield from self.users().values()

    def count_tickets(self) -> int | None:
        return self._rows("SELECT count(*) AS n FROM helpdesk_ticket")[0]["n"]

    def tickets(self) -> Iterator[TicketIn | SkippedIn]:
        last = 0
        while True:
            batch = self._rows(
                "SELECT t.*, q.title AS queue_title, q.email_address AS queue_email FROM helpdesk_ticket t "
                "JOIN helpdesk_queue q ON q.id = t.queue_id WHERE t.id > %s ORDER BY t.id LIMIT %s",
                [last, BATCH],
            )
            if not batch:
                return
            followups = self._followups([row["id"] for row in batch])
            for row in batch:
                row["created"], row["modified"] = _aware(row["created"]), _aware(row["modified"])
                yield self._ticket(row, followups.get(row["id"], []))
            last = batch[-1]["id"]

    def _followups(self, ticket_ids: list[int]) -> dict[int, list[dict]]:
        columns = "id, ticket_id, date, title, comment, public, user_id, new_status"
        where = f"ticket_id IN ({_marks(ticket_ids)})"  # placeholders only: the values go as parameters
        rows = self._rows(f"SELECT {columns} FROM helpdesk_followup WHERE {where} ORDER BY date, id", ticket_ids)  # noqa: S608
        files: dict[int, list[dict]] = {}
        if rows:
            where = f"followup_id IN ({_marks(rows)})"
            sql = f"SELECT id, followup_id, file, filename, mime_type, size FROM helpdesk_followupattachment WHERE {where}"  # noqa: S608
            for file in self._rows(sql + " ORDER BY id", [row["id"] for row in rows]):
                files.setdefault(file["followup_id"], []).append(file)
        grouped: dict[int, list[dict]] = {}
        for row in rows:
            row["files"], row["date"] = files.get(row["id"], []), _aware(row["date"])
            grouped.setdefault(row["ticket_id"], []).append(row)
        return grouped

    def _requester(self, email: str) -> PersonIn | None:
        email = (email or "").strip().lower()
        if not email:
            return None
        if self._customers is None:
            self._customers = {p.email.lower(): p for p in self.users().values() if p.email and not p.is_agent}
        return self._customers.get(email) or PersonIn(source_id=f"email:{email}", email=email)

    def _ticket(self, row: dict, followups: list[dict]) -> TicketIn | SkippedIn:
        status = _status(row, followups)
        if status is None:
            return SkippedIn("ticket", str(row["id"]), _("Unknown status %(status)s.") % {"status": row["status"]})
        requester = self._requester(row["submitter_email"])
        messages = [self._followup(f, requester) for f in followups]
        description = (row["description"] or "").strip()
        if description and not any((f["comment"] or "").strip() == description for f in followups):
            messages.insert(0, MessageIn(f"ticket:{row['id']}", row["created"], requester, body_text=description))
        users = self.users()
        return TicketIn(
            source_id=str(row["id"]),
            subject=row["title"],
            requester=requester,
            created_at=row["created"],
            updated_at=row["modified"],
            status=status,
            priority=PRIORITIES.get(row["priority"], Priority.NORMAL),
            channel=Channel.EMAIL,
            team=TeamIn(f"queue:{row['queue_id']}", row["queue_title"], row["queue_email"] or ""),
            assignee=users.get(row["assigned_to_id"]) if row["assigned_to_id"] else None,
            solved_at=_last_change(followups, {RESOLVED}, row["modified"]),
            closed_at=_last_change(followups, {CLOSED, DUPLICATE}, row["modified"]),
            messages=tuple(messages),
        )

    def _followup(self, row: dict, requester: PersonIn | None) -> MessageIn:
        # A follow-up without a user came in by mail from the submitter (or was written by the system).
        author = self.users().get(row["user_id"]) if row["user_id"] else requester
        return MessageIn(
            source_id=f"followup:{row['id']}",
            created_at=row["date"],
            author=author,
            body_text=row["comment"] or "",
            internal=not row["public"],
            channel=Channel.EMAIL,
            attachments=tuple(
                AttachmentIn(
                    source_id=f"followupattachment:{f['id']}",
                    name=f["filename"] or Path(f["file"]).name,
                    content_type=f["mime_type"] or "",
                    read=self._reader(f["file"]),
                    size=f["size"],
                )
                for f in row["files"]
            ),
        )

    def _reader(self, name: str):
        def read() -> bytes:
            if self.media_root is None:
                raise Skip(_("Not read: give --media-root, django-helpdesk's MEDIA_ROOT."))
            path = (self.media_root / name).resolve()
            if not path.is_relative_to(self.media_root.resolve()) or not path.is_file():
                raise Skip(_("The file %(name)s is not in the media folder.") % {"name": name})
            return path.read_bytes()

        return read


def _aware(value: datetime | str) -> datetime:
    """A time read from the source as an aware datetime: PostgreSQL gives one; SQLite or MySQL without
    time zone support give a naive one or text, which django-helpdesk (USE_TZ) wrote in UTC."""
    if isinstance(value, str):
        return parse_required(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _marks(values: list) -> str:
    """Placeholders for an IN list (portable: the source may be PostgreSQL, MySQL or SQLite)."""
    return ", ".join(["%s"] * len(values))


def _status(row: dict, followups: list[dict]) -> str | None:
    value = row["status"]
    if value in (OPEN, REOPENED):
        if row["on_hold"]:
            return Status.ON_HOLD
        return Status.OPEN if row["assigned_to_id"] or followups else Status.NEW
    return {RESOLVED: Status.SOLVED, CLOSED: Status.CLOSED, DUPLICATE: Status.CLOSED}.get(value)


def _last_change(followups: list[dict], statuses: set[int], default: datetime) -> datetime:
    """When the ticket last entered one of `statuses` (its follow-up), else its last modification."""
    dates = [f["date"] for f in followups if f["new_status"] in statuses]
    return max(dates, default=default)
