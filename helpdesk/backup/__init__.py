"""Backup and restore of a whole installation (`manage.py backup`, `manage.py restore`)."""

from helpdesk.backup.archive import BackupError
from helpdesk.backup.services import RestoreReport, backup_create, backup_restore

__all__ = ("BackupError", "RestoreReport", "backup_create", "backup_restore")
