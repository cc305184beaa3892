"""Write the database and every stored file (attachments, raw inbound mail) into one archive.

    manage.py backup --output /var/backups/helpdesk/helpdesk-$(date +%F).tar.gz

The archive (a .tar.gz, mode 0600) holds a manifest, the database dump (pg_dump or SQLite's backup
API) and MEDIA_ROOT; `manage.py restore` puts it back into an empty installation.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and every stored file (MEDIA_ROOT) into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="The archive to write (.tar.gz).")
        parser.add_argument("--temp-dir", type=Path, default=None, help="Where the database dump is staged.")

    def handle(self, *args, output: Path, temp_dir: Path | None = None, **options):
        if output.is_dir():
            raise CommandError(_("%(path)s is a folder; name the archive file to write.") % {"path": output})
        if not output.parent.is_dir():
            raise CommandError(_("The folder %(path)s does not exist.") % {"path": output.parent})
        try:
            manifest = backup_create(output=output, now=timezone.now(), temp_dir=temp_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        media = manifest["media"]
        self.stdout.write(
            _("Backed up the %(vendor)s database and %(count)d files (%(bytes)d bytes) to %(path)s.")
            % {
                "vendor": manifest["database"]["vendor"],
                "count": media["count"],
                "bytes": media["bytes"],
                "path": output,
            }
        )
