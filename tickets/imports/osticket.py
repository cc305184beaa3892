"""osTicket through HTTP, with an API key (`X-API-Key`).

What osTicket offers: its core API (docs.osticket.com, "API Docs") only CREATES tickets and runs cron;
it has no endpoint that reads a ticket, a user, a department or a file. Reading needs the ticket-read
endpoints of osTicket pull request #4361 (also shipped by community forks and plugins):
`GET /api/http.php/tickets/ticketInfo?ticketNumber=N`, which answers a ticket with its thread entries.
That endpoint lists no tickets, so the numbers to import are given (`--numbers`).

Importable: the ticket (subject, status, priority, department -> team, dates, the user -> contact) and
its thread: messages (type M, by the user), responses (R, by an agent) and internal notes (N). Not
importable: attachments (no endpoint serves files; each is reported), agents' addresses (entries name
the agent only: an agent here with the same full name is taken as the author, else none), help topics,
custom forms, tasks, SLA plans.
"""

from collections.abc import Iterator
from datetime import tzinfo
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from helpdesk.models import Priority
from tickets.imports.dates import parse_required, parse_time
from tickets.imports.http import HttpClient
from tickets.imports.records import MessageIn, PersonIn, SkippedIn, SourceError, TeamIn, TicketIn
from tickets.models import Channel, Status

TICKET_PATH = "api/http.php/tickets/ticketInfo"
STATUSES = {"open": Status.OPEN, "resolved": Status.SOLVED, "closed": Status.CLOSED, "archived": Status.CLOSED}
PRIORITIES = {"low": Priority.LOW, "normal": Priority.NORMAL, "high": Priority.HIGH, "emergency": Priority.URGENT}
CHANNELS = {"web": Channel.PORTAL, "email": Channel.EMAIL, "phone": Channel.PHONE, "api": Channel.API}


class OsTicketSource:
    def __init__(self, *, url: str, key: str, numbers: list[str], time_zone: str = "UTC") -> None:
        self.client = HttpClient(base_url=url, headers={"X-API-Key": key})
        self.key = f"osticket:{url.rstrip('/')}"
        self.numbers = [n.strip() for n in numbers if n.strip()]
        try:
            self.zone: tzinfo = ZoneInfo(time_zone)
        except (KeyError, ValueError) as exc:
            raise SourceError(_("Unknown time zone %(zone)s.") % {"zone": time_zone}) from exc

    def teams(self) -> Iterator[TeamIn | SkippedIn]:
        return iter(())  # departments come with their tickets

    def people(self) -> Iterator[PersonIn | SkippedIn]:
        return iter(())  # users come with their tickets; agents are named only

    def count_tickets(self) -> int | None:
        return len(self.numbers)

    def tickets(self) -> Iterator[TicketIn | SkippedIn]:
        for number in self.numbers:
            answer = self.client.json(TICKET_PATH, {"ticketNumber": number})
            try:
                yield self._ticket(number, answer["ticket"])
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                yield SkippedIn("ticket", number, _("Unexpected answer: %(error)s") % {"error": exc})

    def _time(self, value):
        return parse_time(value, default_zone=self.zone)

    def _ticket(self, number: str, row: dict) -> TicketIn | SkippedIn:
        status = STATUSES.get(str(row.get("ticket_status", "")).lower())
        if status is None:
            reason = _("osTicket status %(status)s is not imported.") % {"status": row.get("ticket_status")}
            return SkippedIn("ticket", number, reason)
        email = row.get("user_email")
        requester = PersonIn(
            source_id="",
            email=(email.get("address") if isinstance(email, dict) else email) or "",
            full_name=row.get("user_name") or "",
            phone=row.get("user_phone") or "",
        )
        created = parse_required(row["create_timestamp"], default_zone=self.zone)
        closed = self._time(row.get("close_timestamp"))
        entries = [entry.get("model", entry) for entry in row.get("thread_entries") or ()]
        times = [self._time(e.get("created")) for e in entries]
        updated = max([created, *(t for t in times if t), *([closed] if closed else [])])
        department = row.get("department") or ""
        channel = CHANNELS.get(str(row.get("source", "")).lower(), Channel.EMAIL)
        return TicketIn(
            source_id=str(row.get("ticket_number") or number),
            subject=row.get("subject") or "",
            requester=requester,
            created_at=created,
            updated_at=updated,
            status=status,
            priority=PRIORITIES.get(str(row.get("priority", "")).lower(), Priority.NORMAL),
            channel=channel,
            team=TeamIn(f"department:{department}", department) if department else None,
            solved_at=closed or updated,
            closed_at=closed or updated,
            messages=tuple(self._entry(e, requester, channel) for e in entries),
        )

    def _entry(self, entry: dict, requester: PersonIn, channel: str) -> MessageIn:
        kind = str(entry.get("type", "M")).upper()
        staff = PersonIn(
            source_id=f"staff:{entry.get('staff_id')}", email="", full_name=entry.get("poster") or "", is_agent=True
        )
        html = str(entry.get("format", "")).lower() == "html"
        body = entry.get("body") or ""
        files = entry.get("attachments") or ()
        return MessageIn(
            source_id=f"entry:{entry['id']}",
            created_at=parse_required(entry.get("created"), default_zone=self.zone),
            author=requester if kind == "M" else staff,
            body_text="" if html else body,
            body_html=body if html else "",
            internal=kind == "N",
            channel=channel if kind == "M" else Channel.AGENT,
            missing_attachments=tuple(
                _("%(name)s: osTicket's API serves no file contents.")
                % {"name": f.get("name", "?") if isinstance(f, dict) else f}
                for f in files
            ),
        )
