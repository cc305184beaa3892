"""What a backup's manifest records, and the checks a restore makes against it before changing anything."""

import platform
from datetime import datetime
from pathlib import Path
from typing import Any

import django
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from helpdesk.backup.archive import (
    FORMAT,
    FORMAT_VERSION,
    MEDIA_LISTING,
    BackupError,
    ReadResult,
    first_listing_difference,
)


def migration_state() -> dict[str, list[str]]:
    """The migrations applied to the database, per app (what the code's schema was when backed up)."""
    state: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def build(*, now: datetime, database: dict[str, Any], media: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": {"django": django.get_version(), "python": platform.python_version()},
        "migrations": migration_state(),
        "database": database,
        "media": media,
    }


def check(result: ReadResult, work_dir: Path) -> list[str]:
    """Refuse an archive of another format version or whose parts do not match their checksums, or that
    is newer than this code; the migrations this code has beyond the archive (migrate after restoring)."""
    manifest = result.manifest
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("The archive has format version %(found)s; this version of the helpdesk reads version %(expected)s.")
            % {"found": manifest.get("format_version"), "expected": FORMAT_VERSION}
        )
    database = manifest.get("database") or {}
    if (result.database_name, result.database_sha256, result.database_size) != (
        database.get("path"),
        database.get("sha256"),
        database.get("size"),
    ):
        raise BackupError(_("The archive is damaged: the database dump does not match its checksum."))
    media = manifest.get("media") or {}
    if result.media_listing_stored != media.get("listing_sha256"):
        raise BackupError(_("The archive is damaged: %(name)s does not match its checksum.") % {"name": MEDIA_LISTING})
    if (result.media_listing_computed, result.media_count, result.media_bytes) != (
        media.get("listing_sha256"),
        media.get("count"),
        media.get("bytes"),
    ):
        name = first_listing_difference(work_dir) or MEDIA_LISTING
        raise BackupError(_("The archive is damaged: %(name)s does not match its checksum.") % {"name": name})
    return check_migrations(manifest.get("migrations") or {})


def check_migrations(archived: dict[str, list[str]]) -> list[str]:
    """Refuse migrations this code does not have; the code's migrations the archive lacks."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    recorded = {(app, name) for app, names in archived.items() for name in names}
    newer = sorted(recorded - known)
    if newer:
        names = ", ".join(f"{app}.{name}" for app, name in newer[:5]) + (" ..." if len(newer) > 5 else "")
        raise BackupError(
            _(
                "The archive comes from a newer version of the helpdesk: its database has migrations this code "
                "does not have (%(names)s). Restore it with that version, or upgrade this one first."
            )
            % {"names": names}
        )
    return [f"{app}.{name}" for app, name in sorted(known - recorded)]
