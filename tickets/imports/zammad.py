"""Zammad through its REST API (https://docs.zammad.org/en/latest/api/intro.html), with an access token
(`Authorization: Token token=...`; the token's user needs the admin.user and ticket.agent permissions).

Groups -> teams; users with the Agent or Admin role -> agents, others -> contacts; tickets; articles ->
replies, internal articles -> notes; article attachments (downloaded). Ticket states: new -> new,
open -> open, pending reminder / pending close -> pending, closed and merged -> closed; a removed ticket
is skipped. An agent's groups become their teams; a ticket's tags come along. Priorities "1 low", "2 normal", "3 high" by their number.
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from helpdesk.models import Priority
from tickets.imports.dates import parse_required, parse_time
from tickets.imports.http import HttpClient
from tickets.imports.records import AttachmentIn, MessageIn, PersonIn, SkippedIn, TeamIn, TicketIn
from tickets.models import Channel, Status

PER_PAGE = 100
STATES = {
    "new": Status.NEW,
    "open": Status.OPEN,
    "pending reminder": Status.PENDING,
    "pending close": Status.PENDING,
    "closed": Status.CLOSED,
    "merged": Status.CLOSED,
}
PRIORITIES = {"1": Priority.LOW, "2": Priority.NORMAL, "3": Priority.HIGH, "4": Priority.URGENT}
AGENT_ROLES = {"Admin", "Agent"}
AGENT_ROLE_IDS = {1, 2}  # Zammad's built-in Admin and Agent roles
CHANNELS = {"email": Channel.EMAIL, "phone": Channel.PHONE, "web": Channel.PORTAL, "note": Channel.AGENT}
SYSTEM_USER_ID = 1  # Zammad's "-" user: nobody (an unassigned owner, the system)


class ZammadSource:
    def __init__(self, *, url: str, token: str) -> None:
        self.client = HttpClient(base_url=url, headers={"Authorization": f"Token token={token}"})
        self.key = f"zammad:{url.rstrip('/')}"
        self._users: dict[int, PersonIn] | None = None
        self._lookups: dict[str, dict[int, str]] = {}

    def _pages(self, path: str, **params) -> Iterator[dict]:
        page = 1
        while True:
            rows = self.client.json(path, {**params, "page": page, "per_page": PER_PAGE})
            if not isinstance(rows, list) or not rows:
                return
            yield from rows
            if len(rows) < PER_PAGE:
                return
            page += 1

    def _names(self, path: str) -> dict[int, str]:
        if path not in self._lookups:
            self._lookups[path] = {row["id"]: str(row.get("name", "")) for row in self._pages(path)}
        return self._lookups[path]

    def teams(self) -> Iterator[TeamIn | SkippedIn]:
        for group in self._pages("api/v1/groups"):
            yield TeamIn(source_id=f"group:{group['id']}", name=group.get("name") or "", email="")

    def users(self) -> dict[int, PersonIn]:
        if self._users is None:
            groups = self._names("api/v1/groups")
            self._users = {
                row["id"]: _person(row, groups)
                for row in self._pages("api/v1/users", expand="true")
                if row["id"] != SYSTEM_USER_ID
            }
        return self._users

    def people(self) -> Iterator[PersonIn | SkippedIn]:
        yield from self.users().values()

    def count_tickets(self) -> int | None:
        return None  # Zammad's ticket list does not say how many there are

    def tickets(self) -> Iterator[TicketIn | SkippedIn]:
        for row in self._pages("api/v1/tickets", expand="false"):
            try:
                yield self._ticket(row)
            except (KeyError, TypeError, ValueError) as exc:
                yield SkippedIn("ticket", str(row.get("id")), _("Unexpected answer: %(error)s") % {"error": exc})

    def _ticket(self, row: dict) -> TicketIn | SkippedIn:
        state = self._names("api/v1/ticket_states").get(row["state_id"], "")
        if state not in STATES:
            return SkippedIn("ticket", str(row["id"]), _("Zammad state %(state)s is not imported.") % {"state": state})
        users = self.users()
        requester = users.get(row["customer_id"])
        articles = self.client.json(f"api/v1/ticket_articles/by_ticket/{row['id']}")
        priority = self._names("api/v1/ticket_priorities").get(row["priority_id"], "")
        group = self._names("api/v1/groups").get(row["group_id"])
        updated = parse_required(row["updated_at"])
        closed = parse_time(row.get("close_at")) or updated
        return TicketIn(
            source_id=str(row["id"]),
            subject=row.get("title") or "",
            requester=requester,
            created_at=parse_required(row["created_at"]),
            updated_at=updated,
            status=STATES[state],
            priority=PRIORITIES.get(priority.split(" ")[0], Priority.NORMAL),
            team=TeamIn(f"group:{row['group_id']}", group) if group else None,
            assignee=users.get(row.get("owner_id") or SYSTEM_USER_ID),  # the system user is not in `users`
            solved_at=closed,
            closed_at=closed,
            tags=tuple(self.client.json("api/v1/tags", {"object": "Ticket", "o_id": row["id"]}).get("tags") or ()),
            messages=tuple(self._article(a, row["id"], requester) for a in articles),
        )

    def _article(self, article: dict, ticket_id: int, requester: PersonIn | None) -> MessageIn:
        author = self.users().get(article.get("created_by_id") or SYSTEM_USER_ID)
        if author is None and article.get("sender") == "Customer":
            author = requester
        html = article.get("content_type") == "text/html"
        body = article.get("body") or ""
        return MessageIn(
            source_id=f"article:{article['id']}",
            created_at=parse_required(article["created_at"]),
            author=author,
            body_text="" if html else body,
            body_html=body if html else "",
            internal=bool(article.get("internal")),
            channel=CHANNELS.get(article.get("type", ""), Channel.EMAIL),
            attachments=tuple(
                AttachmentIn(
                    source_id=f"attachment:{article['id']}:{f['id']}",
                    name=f.get("filename") or "attachment",
                    content_type=(f.get("preferences") or {}).get("Content-Type", ""),
                    read=self._reader(f"api/v1/ticket_attachment/{ticket_id}/{article['id']}/{f['id']}"),
                    size=int(f["size"]) if str(f.get("size", "")).isdigit() else None,
                )
                for f in article.get("attachments") or ()
            ),
        )

    def _reader(self, path: str):
        return lambda: self.client.raw(path)


def _person(row: dict, groups: dict[int, str]) -> PersonIn:
    roles = set(row.get("roles") or ())
    agent = bool(roles & AGENT_ROLES) or bool(set(row.get("role_ids") or ()) & AGENT_ROLE_IDS)
    organization = row.get("organization")
    return PersonIn(
        source_id=f"user:{row['id']}",
        email=row.get("email") or "",
        full_name=f"{row.get('firstname') or ''} {row.get('lastname') or ''}".strip(),
        is_agent=agent,
        phone=row.get("phone") or row.get("mobile") or "",
        organization=organization if isinstance(organization, str) else "",
        # group_ids: {"2": ["full"], ...}, the groups an agent works in
        teams=tuple(
            TeamIn(f"group:{gid}", groups[int(gid)])
            for gid in (row.get("group_ids") or {})
            if agent and str(gid).isdigit() and int(gid) in groups
        ),
    )
