"""The backup archive: one gzip-compressed tar, written and read as a stream (never a whole file in memory).

Members, in this order:
    database/<vendor dump>   the database (pg_dump custom format, or a SQLite database file)
    media/<path>             every file under MEDIA_ROOT (attachments, raw inbound mail), as stored
    media.sha256             one line per media file, `sha256sum -c` format ("<hex>  media/<path>")
    manifest.json            last: format, versions, migrations, database vendor, counts, sha256 of each part

The listing's own hash is in the manifest, so every file is covered without keeping a list in memory:
reading recomputes the listing line by line as the files stream past and compares hashes at the end.
"""

import gzip
import hashlib
import json
import os
import tarfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.utils.translation import gettext as _

FORMAT = "helpdesk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_LISTING = "media.sha256"
MEDIA_PREFIX = "media/"
DATABASE_PREFIX = "database/"
CHUNK = 1024 * 1024
MANIFEST_MAX_BYTES = 1024 * 1024  # the manifest is small: counts and hashes, never a list of files
COMPRESSLEVEL = 6
COMPUTED, STORED = (
    "computed.sha256",
    "stored.sha256",
)  # attachments are mostly compressed already; 9 costs time for nothing


class BackupError(Exception):
    """A backup or restore refused or failed, with a message for the operator."""


class HashingReader:
    """A file object that hashes and counts what is read through it (tarfile reads it in chunks)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def copy_hashing(source: IO[bytes], target: IO[bytes] | None = None) -> tuple[str, int]:
    """Copy `source` to `target` (or just read it) in chunks; its sha256 and size."""
    sha256, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        sha256.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return sha256.hexdigest(), size


def listing_line(digest: str, name: str) -> bytes:
    return f"{digest}  {name}\n".encode()


def media_member_name(relative: str) -> str:
    """The member name of a media file; refuses names `sha256sum -c` or a restore could not take back."""
    if "\n" in relative or "\\" in relative or relative.startswith("/"):
        raise BackupError(_("Cannot back up a media file with this name: %(name)r.") % {"name": relative})
    return MEDIA_PREFIX + relative


def safe_relative(name: str, prefix: str) -> PurePosixPath:
    """The path below `prefix` a member may be written to: relative, no `..`, nothing odd."""
    relative = PurePosixPath(name[len(prefix) :])
    if (
        not name.startswith(prefix)
        or relative.is_absolute()
        or not relative.parts
        or any(part in ("", ".", "..") for part in relative.parts)
        or "\x00" in name
    ):
        raise BackupError(_("The archive holds an unsafe path: %(name)r.") % {"name": name})
    return relative


class ArchiveWriter:
    """Writes the members in order; the caller adds the manifest last (`finish`)."""

    def __init__(self, fileobj: IO[bytes]):
        # Both closed by close(), after the manifest. (Python 3.11's "w|gz" takes no compression level.)
        self.gzip = gzip.GzipFile(fileobj=fileobj, mode="wb", compresslevel=COMPRESSLEVEL)
        self.tar = tarfile.open(fileobj=self.gzip, mode="w|", format=tarfile.PAX_FORMAT)  # noqa: SIM115

    def add_path(self, path: Path, name: str) -> tuple[str, int]:
        """Add one file from disk, hashed while it streams in; (sha256, size)."""
        with path.open("rb") as source:
            info = tarfile.TarInfo(name)
            stat = os.fstat(source.fileno())
            info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
            reader = HashingReader(source)
            self.tar.addfile(info, reader)  # tarfile only calls read()
        if reader.size != info.size:
            raise BackupError(_("%(name)s changed while it was being backed up.") % {"name": name})
        return reader.sha256.hexdigest(), reader.size

    def add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
        self.tar.addfile(info, _BytesReader(data))

    def close(self) -> None:
        self.tar.close()
        self.gzip.close()


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, indent=2, sort_keys=True).encode()


@dataclass
class ReadResult:
    """What one pass over an archive found: the manifest, and the hashes it computed itself."""

    manifest: dict[str, Any] = field(default_factory=dict)
    database_name: str = ""
    database_sha256: str = ""
    database_size: int = 0
    media_count: int = 0
    media_bytes: int = 0
    media_listing_computed: str = ""
    media_listing_stored: str = ""


# Called for each media member with (relative path, stream); returns the file's sha256 and size.
MediaHandler = Callable[[PurePosixPath, IO[bytes]], tuple[str, int]]
# Called for the database member with its stream; returns its sha256 and size.
DatabaseHandler = Callable[[str, IO[bytes]], tuple[str, int]]


def read_archive(path: Path, *, on_database: DatabaseHandler, on_media: MediaHandler, work_dir: Path) -> ReadResult:
    """One streaming pass over the archive: every member is handed on and hashed; refuses anything odd.

    The listing it computes and the one stored are left in `work_dir` (COMPUTED, STORED) to name a
    file that does not match."""
    result = ReadResult()
    listing = hashlib.sha256()
    try:
        with tarfile.open(path, mode="r|gz") as tar, (work_dir / COMPUTED).open("wb") as computed:
            for member in _members(tar):
                stream = tar.extractfile(member)
                assert stream is not None  # _members yields regular files only
                if result.manifest:
                    raise BackupError(_("The archive has members after its manifest."))
                if member.name == MANIFEST:
                    result.manifest = _read_manifest(member, stream)
                elif member.name == MEDIA_LISTING:
                    with (work_dir / STORED).open("wb") as stored:
                        result.media_listing_stored, _size = copy_hashing(stream, stored)
                elif member.name.startswith(DATABASE_PREFIX):
                    if result.database_name:
                        raise BackupError(_("The archive holds more than one database dump."))
                    safe_relative(member.name, DATABASE_PREFIX)
                    result.database_name = member.name
                    result.database_sha256, result.database_size = on_database(member.name, stream)
                else:
                    relative = safe_relative(member.name, MEDIA_PREFIX)
                    digest, size = on_media(relative, stream)
                    line = listing_line(digest, member.name)
                    listing.update(line)
                    computed.write(line)
                    result.media_count += 1
                    result.media_bytes += size
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise BackupError(_("There is no file %(path)s.") % {"path": path}) from error
        raise BackupError(
            _("The archive is damaged or not a helpdesk backup (%(error)s).") % {"error": error}
        ) from error
    if not result.manifest:
        raise BackupError(_("The archive has no manifest: it is incomplete or not a helpdesk backup."))
    result.media_listing_computed = listing.hexdigest()
    return result


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in tar:
        if not member.isfile():
            raise BackupError(_("The archive holds something other than files: %(name)r.") % {"name": member.name})
        yield member


def _read_manifest(member: tarfile.TarInfo, stream: IO[bytes]) -> dict[str, Any]:
    if member.size > MANIFEST_MAX_BYTES:
        raise BackupError(_("The archive's manifest is too large to be a helpdesk manifest."))
    try:
        manifest = json.loads(stream.read(MANIFEST_MAX_BYTES))
    except ValueError as error:
        raise BackupError(_("The archive's manifest is not valid JSON.")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("This is not a helpdesk backup (its manifest names another format)."))
    return manifest


def first_listing_difference(work_dir: Path) -> str:
    """The first media file whose line differs between the stored and the computed listing."""
    stored_path = work_dir / STORED
    if not stored_path.exists():
        return MEDIA_LISTING
    with stored_path.open("rb") as stored, (work_dir / COMPUTED).open("rb") as computed:
        while True:
            expected, found = stored.readline(), computed.readline()
            if expected != found:
                line = (expected or found).decode(errors="replace").rstrip("\n")
                return line.partition("  ")[2] or line
            if not expected:
                return ""
