"""Backing up an installation (database + every file under MEDIA_ROOT) into one archive, and restoring one.

Both stream: files go through in chunks, the database dump through a temporary file on disk.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from helpdesk.backup import database, manifest
from helpdesk.backup.archive import (
    DATABASE_PREFIX,
    MANIFEST,
    MEDIA_LISTING,
    ArchiveWriter,
    BackupError,
    copy_hashing,
    listing_line,
    manifest_bytes,
    media_member_name,
    read_archive,
)


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    media_count: int = 0
    pending_migrations: list[str] = field(default_factory=list)


def backup_create(*, output: Path, now: datetime, temp_dir: Path | None = None) -> dict[str, Any]:
    """Write the database and every media file into `output` (mode 0600: it holds every secret the
    database does); returns the manifest. A half-written archive never takes the final name."""
    output = Path(output)
    if output.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise BackupError(
            _("Write the archive outside the media folder (%(path)s): it would hold itself.")
            % {"path": settings.MEDIA_ROOT}
        )
    partial = output.with_name(output.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(prefix="helpdesk-backup-", dir=temp_dir) as tmp:
            work = Path(tmp)
            dump_path, db_info = database.dump(work)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                writer = ArchiveWriter(out)
                db_name = DATABASE_PREFIX + dump_path.name
                db_sha256, db_size = writer.add_path(dump_path, db_name)
                dump_path.unlink()
                media = _add_media(writer, work / MEDIA_LISTING)
                media["listing_sha256"], _size = writer.add_path(work / MEDIA_LISTING, MEDIA_LISTING)
                database_part = {**db_info, "path": db_name, "sha256": db_sha256, "size": db_size}
                result = manifest.build(now=now, database=database_part, media=media)
                writer.add_bytes(MANIFEST, manifest_bytes(result))
                writer.close()
                out.flush()
                os.fsync(out.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return result


def _add_media(writer: ArchiveWriter, listing_path: Path) -> dict[str, Any]:
    """Every regular file under MEDIA_ROOT, in a stable order; a file removed meanwhile (retention) is
    skipped."""
    root = Path(settings.MEDIA_ROOT)
    count = size_total = 0
    with listing_path.open("wb") as listing:
        for path in _media_files(root):
            name = media_member_name(path.relative_to(root).as_posix())
            try:
                digest, size = writer.add_path(path, name)
            except FileNotFoundError:
                continue
            listing.write(listing_line(digest, name))
            count += 1
            size_total += size
    return {"root": "media/", "count": count, "bytes": size_total, "listing": MEDIA_LISTING}


def _media_files(root: Path):
    if not root.is_dir():
        return
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                yield path


def installation_state() -> tuple[int, bool]:
    """How many tables the database holds and whether MEDIA_ROOT holds any file."""
    return database.table_count(), next(_media_files(Path(settings.MEDIA_ROOT)), None) is not None


def backup_restore(*, archive: Path, force: bool, temp_dir: Path | None = None) -> RestoreReport:
    """Restore an archive into this installation: refused when it is not empty (unless `force`, which
    replaces the database and every media file), when the archive fails its checksums, or when it is
    newer than the code. The archive is read twice: checked whole first, then the files are written."""
    tables, has_files = installation_state()
    if (tables or has_files) and not force:
        raise BackupError(
            _(
                "This installation is not empty (%(tables)d tables in the database, %(files)d files in the media "
                "folder). Restore into an empty database and media folder, or pass --force to replace them."
            )
            % {"tables": tables, "files": sum(1 for _path in _media_files(Path(settings.MEDIA_ROOT)))}
        )
    with tempfile.TemporaryDirectory(prefix="helpdesk-restore-", dir=temp_dir) as tmp:
        work = Path(tmp)
        dump_path = work / "database.dump"

        def keep_dump(_name: str, stream: IO[bytes]) -> tuple[str, int]:
            with dump_path.open("wb") as target:
                return copy_hashing(stream, target)

        checked = read_archive(archive, on_database=keep_dump, on_media=_only_hash, work_dir=work)
        pending = manifest.check(checked, work)
        database.check_restorable(checked.manifest["database"])
        database.restore(dump_path, checked.manifest["database"], replace=force)
        root = Path(settings.MEDIA_ROOT)
        if force:
            _empty_folder(root)
        written = read_archive(archive, on_database=_only_hash, on_media=_media_writer(root), work_dir=work)
        if written.media_listing_computed != checked.media_listing_computed:
            raise BackupError(_("The archive changed while it was being restored; restore it again with --force."))
    return RestoreReport(manifest=checked.manifest, media_count=written.media_count, pending_migrations=pending)


def _only_hash(_name: Any, stream: IO[bytes]) -> tuple[str, int]:
    return copy_hashing(stream)


def _media_writer(root: Path):
    def write(relative: PurePosixPath, stream: IO[bytes]) -> tuple[str, int]:
        target = root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".restoring")
        with partial.open("wb") as out:
            result = copy_hashing(stream, out)
        os.replace(partial, target)
        return result

    return write


def _empty_folder(root: Path) -> None:
    """Remove what is inside `root`, not `root` itself (it may be a mount point)."""
    if not root.is_dir():
        return
    for entry in root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
