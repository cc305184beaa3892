"""A run of an import: teams, then people, then tickets from a source, through tickets.imports.service,
with a progress bar and a final report of what was imported, already there, and skipped with why."""

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TextIO

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError
from django.utils.translation import gettext as _

from helpdesk.exceptions import DomainError
from tickets.imports import service
from tickets.imports.records import PersonIn, Skip, SkippedIn, Source, TeamIn, TicketIn


class Progress:
    """A one-line progress bar on a terminal (redrawn at most ten times a second); elsewhere, a line per 10%."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.label, self.done, self._drawn_at, self._decile, self._written = "", 0, 0.0, -1, ""
        self.total: int | None = None

    def start(self, label: str, total: int | None) -> None:
        self.label, self.total, self.done, self._decile = label, total, 0, -1
        self._draw(force=True)

    def advance(self) -> None:
        self.done += 1
        self._draw()

    def finish(self) -> None:
        self._draw(force=True)
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()

    def line(self) -> str:
        if not self.total:
            return f"{self.label}: {self.done}"
        filled = self.width * min(self.done, self.total) // self.total
        percent = 100 * self.done // self.total
        return f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} {percent}%"

    def _draw(self, force: bool = False) -> None:
        if self.tty:
            now = time.monotonic()
            if force or now - self._drawn_at >= 0.1:
                self.stream.write("\r" + self.line())
                self._drawn_at = now
            return
        decile = 10 * self.done // self.total if self.total else self.done // 100
        line = self.line()
        if (force or decile != self._decile) and line != self._written:
            self._decile, self._written = decile, line
            self.stream.write(line + "\n")


@dataclass
class Report:
    """What a run did: per kind, how many were created here, found already imported, or skipped and why."""

    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)

    def skip(self, kind: str, source_id: str, reason: str) -> None:
        self.skipped.append((kind, source_id, reason))

    def lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.existing) | {kind for kind, _id, _r in self.skipped})
        lines = [
            _("%(kind)s: %(created)s imported, %(existing)s already there, %(skipped)s skipped")
            % {
                "kind": kind,
                "created": self.created[kind],
                "existing": self.existing[kind],
                "skipped": sum(1 for k, _i, _r in self.skipped if k == kind),
            }
            for kind in kinds
        ]
        if self.skipped:
            lines.append(_("Skipped:"))
            lines += [f"  {kind} {source_id}: {reason}" for kind, source_id, reason in self.skipped]
        return lines


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def _each(items: Iterable, kind: str, report: Report, progress: Progress, act: Callable) -> None:
    for item in items:
        if isinstance(item, SkippedIn):
            report.skip(item.kind, item.source_id, item.reason)
        else:
            try:
                act(item)
            # DataError, IntegrityError: this item's data does not fit (its transaction is rolled back);
            # a lost connection or any other failure stops the run, which resumes when run again.
            except (Skip, ValidationError, DomainError, DataError, IntegrityError) as exc:
                report.skip(kind, item.source_id, _reason(exc))
        progress.advance()
    progress.finish()


def import_run(*, source: Source, progress: Progress | None = None) -> Report:
    """Import everything `source` yields. Items that cannot be imported are reported, never fatal;
    a SourceError (the source failed) or a database error stops the run: run it again to resume."""
    progress = progress or Progress()
    report = Report()

    def team(item: TeamIn) -> None:
        _row, created = service.team_import(source=source.key, team=item)
        (report.created if created else report.existing)["team"] += 1

    def person(item: PersonIn) -> None:
        _row, created = service.person_import(source=source.key, person=item)
        kind = "agent" if item.is_agent else "contact"
        (report.created if created else report.existing)[kind] += 1

    def ticket(item: TicketIn) -> None:
        outcome = service.ticket_import(source=source.key, ticket=item)
        (report.created if outcome.created else report.existing)["ticket"] += 1
        report.created["message"] += outcome.messages
        report.created["attachment"] += outcome.attachments
        for kind, source_id, reason in outcome.notes:
            report.skip(kind, source_id, reason)

    progress.start("teams", None)
    _each(source.teams(), "team", report, progress, team)
    progress.start("people", None)
    _each(source.people(), "person", report, progress, person)
    progress.start("tickets", source.count_tickets())
    _each(source.tickets(), "ticket", report, progress, ticket)
    return report
