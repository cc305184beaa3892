"""What every source yields: neutral records of teams, people, tickets, messages and attachments."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from helpdesk.models import Priority
from tickets.models import Channel, TicketType


class Skip(Exception):
    """This item cannot be imported; the message says why and goes into the final report."""


class SourceError(Exception):
    """The source itself failed (unreachable, refused the key, not the expected database): the run stops."""


@dataclass(frozen=True)
class TeamIn:
    source_id: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class PersonIn:
    """An agent (a login here) or a customer (a contact); `source_id` empty when the source has none."""

    source_id: str
    email: str
    full_name: str = ""
    is_agent: bool = False
    phone: str = ""
    organization: str = ""
    teams: tuple["TeamIn", ...] = ()  # an agent's teams (given to agents the import creates)


@dataclass(frozen=True)
class AttachmentIn:
    source_id: str
    name: str
    content_type: str
    read: Callable[[], bytes]  # fetched only when the attachment is not imported yet
    size: int | None = None  # when the source says, a file over the limit is not even fetched


@dataclass(frozen=True)
class MessageIn:
    source_id: str
    created_at: datetime
    author: PersonIn | None
    body_text: str = ""
    body_html: str = ""
    internal: bool = False
    channel: str = Channel.EMAIL
    attachments: tuple[AttachmentIn, ...] = ()
    # Why attachments the source has could not be read (osTicket's API serves no files), for the report.
    missing_attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class TicketIn:
    source_id: str
    subject: str
    requester: PersonIn | None
    created_at: datetime
    updated_at: datetime
    status: str  # one of ours (tickets.models.Status), mapped by the source
    priority: str = Priority.NORMAL
    type: str = TicketType.QUESTION
    channel: str = Channel.EMAIL
    team: TeamIn | None = None
    assignee: PersonIn | None = None
    solved_at: datetime | None = None
    closed_at: datetime | None = None
    tags: tuple[str, ...] = ()
    messages: tuple[MessageIn, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SkippedIn:
    """An item the source itself could not read (a bad CSV row, a malformed answer), reported as skipped."""

    kind: str
    source_id: str
    reason: str


class Source(Protocol):
    """A helpdesk to import from. `key` names it in ImportRecord (e.g. "zammad:https://desk.example")."""

    key: str

    def teams(self) -> Iterator[TeamIn | SkippedIn]: ...

    def people(self) -> Iterator[PersonIn | SkippedIn]: ...

    def count_tickets(self) -> int | None: ...

    def tickets(self) -> Iterator[TicketIn | SkippedIn]: ...
