"""`manage.py import_tickets django-helpdesk|zammad|osticket|csv ...`: import another helpdesk's history
(tickets.imports). Safe to run again: what was imported is skipped, and a run that stopped resumes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tickets.imports.csv import CsvSource
from tickets.imports.django_helpdesk import DjangoHelpdeskSource
from tickets.imports.osticket import OsTicketSource
from tickets.imports.records import SourceError
from tickets.imports.runner import Progress, import_run
from tickets.imports.zammad import ZammadSource


class Command(BaseCommand):
    help = "Import teams, people, tickets, messages and attachments from another helpdesk (docs/import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True)
        django_helpdesk = sources.add_parser("django-helpdesk", help="its database, as a second database alias")
        django_helpdesk.add_argument("--database", default="helpdesk_source", help="the alias (IMPORT_DATABASE_URL)")
        django_helpdesk.add_argument("--media-root", help="django-helpdesk's MEDIA_ROOT, for the attachments")
        zammad = sources.add_parser("zammad", help="its REST API")
        zammad.add_argument("--url", required=True)
        zammad.add_argument("--token", required=True, help="an access token of an admin agent")
        osticket = sources.add_parser("osticket", help="the ticket-read API (osTicket pull request #4361)")
        osticket.add_argument("--url", required=True)
        osticket.add_argument("--key", required=True, help="an API key (X-API-Key)")
        osticket.add_argument("--numbers", required=True, help="ticket numbers, comma-separated, or @FILE (one a line)")
        osticket.add_argument("--time-zone", default="UTC", help="the osTicket server's time zone")
        csv = sources.add_parser("csv", help="a CSV file, columns in docs/import.md")
        csv.add_argument("file")
        csv.add_argument("--name", default="", help="names this export, if its ticket ids could clash with another's")

    def handle(self, *args, **options) -> None:
        try:
            source = self._source(options)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        try:
            report = import_run(source=source, progress=Progress(stream=self.stderr._out))
        except SourceError as exc:
            again = _("Nothing imported so far is lost: run the same command again to resume.")
            raise CommandError(f"{exc}\n{again}") from exc
        for line in report.lines():
            self.stdout.write(line)

    def _source(self, options: dict):
        kind = options["source"]
        if kind == "django-helpdesk":
            return DjangoHelpdeskSource(database=options["database"], media_root=options["media_root"])
        if kind == "zammad":
            return ZammadSource(url=options["url"], token=options["token"])
        if kind == "osticket":
            numbers = options["numbers"]
            if numbers.startswith("@"):
                try:
                    numbers = Path(numbers[1:]).read_text(encoding="utf-8").replace("\n", ",")
                except OSError as exc:
                    raise SourceError(str(exc)) from exc
            return OsTicketSource(
                url=options["url"], key=options["key"], numbers=numbers.split(","), time_zone=options["time_zone"]
            )
        return CsvSource(path=options["file"], name=options["name"])
