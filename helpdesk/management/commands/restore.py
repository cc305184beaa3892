"""Restore an archive written by `manage.py backup` into an empty installation.

    manage.py restore /var/backups/helpdesk/helpdesk-2026-12-05.tar.gz
    manage.py restore --force FILE     # replace a database and media folder that are not empty

The archive is checked whole (every checksum, the format, the migrations) before anything changes.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from helpdesk.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive (manage.py backup) into an empty installation."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The archive written by manage.py backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the database and every file in the media folder even when they are not empty.",
        )
        parser.add_argument("--temp-dir", type=Path, default=None, help="Where the database dump is staged.")

    def handle(self, *args, archive: Path, force: bool = False, temp_dir: Path | None = None, **options):
        try:
            report = backup_restore(archive=archive, force=force, temp_dir=temp_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored the database and %(count)d files from the backup of %(created)s.")
            % {"count": report.media_count, "created": report.manifest.get("created_at")}
        )
        if report.pending_migrations:
            self.stdout.write(
                _("The backup is older than this code: run manage.py migrate (%(count)d migrations to apply).")
                % {"count": len(report.pending_migrations)}
            )
