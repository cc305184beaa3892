"""A CSV file (UTF-8, a header row; columns in docs/import.md): one row per message, the rows of a ticket
sharing its `ticket_id`, the ticket's fields taken from its first row. A bad row is reported with its line
number and left out; the rest of the file is imported.
"""

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from helpdesk.models import Priority
from helpdesk.text import split_list
from tickets.imports.dates import parse_time
from tickets.imports.records import AttachmentIn, MessageIn, PersonIn, Skip, SkippedIn, SourceError, TeamIn, TicketIn
from tickets.models import Status, TicketType

REQUIRED = ("ticket_id", "subject", "requester_email", "message_date", "body")
# The requester is known by email or, for a caller with no address, by phone: either column will do.
REQUESTER = ("requester_email", "requester_phone")
COLUMNS = (
    *REQUIRED,
    "requester_phone",
    "requester_name",
    "organization",
    "status",
    "priority",
    "type",
    "team",
    "assignee_email",
    "tags",
    "created_at",
    "message_id",
    "author_email",
    "author_role",
    "internal",
    "attachments",
)
TRUE, FALSE = {"1", "true", "yes", "y"}, {"", "0", "false", "no", "n"}


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    message: MessageIn


class CsvSource:
    def __init__(self, *, path: str, name: str = "") -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise SourceError(_("No such file: %(path)s") % {"path": path})
        self.key = f"csv:{name or 'default'}"
        self._tickets: dict[str, list[_Row]] = {}
        self._bad: list[SkippedIn] = []
        self._read()

    def _read(self) -> None:
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as file:
                reader = csv.DictReader(file)
                columns = reader.fieldnames or ()
                missing = [c for c in REQUIRED if c not in columns]
                if "requester_email" in missing and "requester_phone" in columns:
                    missing.remove("requester_email")  # every row then needs its number, or an address
                elif "requester_email" in missing:
                    missing[missing.index("requester_email")] = _("requester_email (or requester_phone)")
                if missing:
                    raise SourceError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
                line = 2
                for values in reader:
                    self._row(line, {k: (v or "").strip() for k, v in values.items() if k})
                    line = reader.line_num + 1
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SourceError(_("The file cannot be read as UTF-8 CSV: %(error)s") % {"error": exc}) from exc

    def _row(self, line: int, values: dict[str, str]) -> None:
        try:
            earlier = self._tickets.get(values["ticket_id"])
            if earlier:  # a later row of a ticket: its ticket columns may stay empty
                inherited = ("subject", *REQUESTER, "requester_name", "organization")
                values = {**values, **{c: values.get(c) or earlier[0].values.get(c, "") for c in inherited}}
            if not values["ticket_id"] or not values["subject"] or not any(values.get(c) for c in REQUESTER):
                raise ValueError(_("ticket_id, subject and requester_email (or requester_phone) are required."))
            message = self._message(line, values)
            if values["ticket_id"] not in self._tickets:
                _ticket_fields(values)  # refuse a ticket's first row now rather than the whole ticket later
            self._tickets.setdefault(values["ticket_id"], []).append(_Row(line, values, message))
        except ValueError as exc:
            self._bad.append(SkippedIn("row", _("line %(line)s") % {"line": line}, str(exc)))

    def _message(self, line: int, values: dict[str, str]) -> MessageIn:
        when = _time(values.get("message_date"), "message_date")
        if when is None:
            raise ValueError(_("message_date is required."))
        files = [p.strip() for p in values.get("attachments", "").split(";") if p.strip()]
        if not values.get("body") and not files:
            raise ValueError(_("body is required."))
        role = values.get("author_role", "").lower() or "customer"
        if role not in ("customer", "agent"):
            raise ValueError(_("author_role must be customer or agent."))
        ticket_id = values["ticket_id"]
        if values.get("author_email"):
            author: PersonIn | None = PersonIn("", values["author_email"], is_agent=role == "agent")
        else:  # a customer's message is the requester's
            author = _requester(values) if role == "customer" else None
        return MessageIn(
            # Stable across runs of the same (or a corrected) file: not the line number.
            source_id=f"{ticket_id}:{values.get('message_id') or _fingerprint(when.isoformat(), values.get('body', ''))}",
            created_at=when,
            author=author,
            body_text=values.get("body", ""),
            internal=_flag(values.get("internal", ""), "internal"),
            attachments=tuple(
                AttachmentIn(f"{ticket_id}:{line}:{name}", Path(name).name, "", self._reader(name)) for name in files
            ),
        )

    def _reader(self, name: str):
        folder = self.path.parent.resolve()

        def read() -> bytes:
            path = (folder / name).resolve()
            if not path.is_relative_to(folder) or not path.is_file():
                raise Skip(_("No such file next to the CSV: %(name)s") % {"name": name})
            return path.read_bytes()

        return read

    def teams(self) -> Iterator[TeamIn | SkippedIn]:
        return iter(())  # teams come with their tickets

    def people(self) -> Iterator[PersonIn | SkippedIn]:
        return iter(())

    def count_tickets(self) -> int | None:
        return len(self._tickets) + len(self._bad)

    def tickets(self) -> Iterator[TicketIn | SkippedIn]:
        yield from self._bad
        for ticket_id, rows in self._tickets.items():
            first = rows[0].values
            fields = _ticket_fields(first)
            messages = sorted((row.message for row in rows), key=lambda m: m.created_at)
            created = fields.pop("created_at") or messages[0].created_at
            yield TicketIn(
                source_id=ticket_id,
                subject=first["subject"],
                requester=_requester(first),
                created_at=created,
                updated_at=max(created, messages[-1].created_at),
                team=TeamIn(f"team:{first['team'].lower()}", first["team"]) if first.get("team") else None,
                assignee=PersonIn("", first["assignee_email"], is_agent=True) if first.get("assignee_email") else None,
                solved_at=messages[-1].created_at,
                closed_at=messages[-1].created_at,
                tags=tuple(split_list(first.get("tags", ""))),
                messages=tuple(messages),
                **fields,
            )


def _requester(values: dict[str, str]) -> PersonIn:
    """The requester of a row's ticket: found by email, else (a caller with no address) by phone number."""
    return PersonIn(
        "",
        values.get("requester_email", ""),
        values.get("requester_name", ""),
        phone=values.get("requester_phone", ""),
        organization=values.get("organization", ""),
    )


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


def _time(value: str | None, column: str):
    try:
        return parse_time(value)
    except ValueError as exc:
        raise ValueError(
            _("%(column)s is not a date and time (ISO 8601): %(value)s") % {"column": column, "value": value}
        ) from exc


def _flag(value: str, column: str) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ValueError(_("%(column)s must be true or false.") % {"column": column})


def _ticket_fields(values: dict[str, str]) -> dict:
    """status, priority, type and created_at of a ticket's first row, checked (ValueError names the column)."""
    fields: dict = {
        "status": values.get("status", "").lower() or Status.OPEN,
        "priority": values.get("priority", "").lower() or Priority.NORMAL,
        "type": values.get("type", "").lower() or TicketType.QUESTION,
    }
    for column, choices in (("status", Status.values), ("priority", Priority.values), ("type", TicketType.values)):
        if fields[column] not in choices:
            raise ValueError(
                _("%(column)s must be one of: %(choices)s.") % {"column": column, "choices": ", ".join(choices)}
            )
    fields["created_at"] = _time(values.get("created_at"), "created_at")
    return fields
