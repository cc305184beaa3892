"""Storing and serving attachments safely."""

import codecs
import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _

from helpdesk.exceptions import DomainError, PayloadTooLarge
from helpdesk.text import without_format_chars
from helpdesk.uploads import megabytes
from tickets.models import Attachment, Charset, Message, Ticket

# Served as downloads, never inline: a browser could run them in our origin.
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/css",
        "application/pdf",
    }
)
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"})
# What the first bytes of each image type a browser shows (thumbnails, inline) are; `None` any byte.
_IMAGE_SIGNATURES: tuple[tuple[str, tuple[bytes | None, ...]], ...] = (
    ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ("image/jpeg", (b"\xff\xd8\xff",)),
    ("image/gif", (b"GIF87a",)),
    ("image/gif", (b"GIF89a",)),
    ("image/webp", (b"RIFF", None, b"WEBP")),
    ("image/bmp", (b"BM",)),
    ("image/x-icon", (b"\x00\x00\x01\x00",)),
    ("image/tiff", (b"II*\x00",)),
    ("image/tiff", (b"MM\x00*",)),
    ("image/avif", (None, b"ftypavif")),
)
_SIGNATURE_BYTES = 16
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


@dataclass(frozen=True)
class IncomingFile:
    """A file to attach, from any channel: an upload (a file on disk or, when small, in memory; read
    in chunks, never whole) or the bytes of an email part (already in memory with the message)."""

    name: str
    content: bytes | File
    content_type: str = ""
    content_id: str = ""
    is_inline: bool = False

    @property
    def size(self) -> int:
        return len(self.content) if isinstance(self.content, bytes) else self.content.size


def safe_filename(name: str) -> str:
    """The last path part of a name, without control, reserved or format characters (bidi controls;
    ZWNJ and ZWJ are kept), at most 200 chars."""
    name = without_format_chars(unicodedata.normalize("NFC", name or ""))
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        name = "attachment"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    return name


def check_size(size: int) -> None:
    limit = settings.HELPDESK_MAX_ATTACHMENT_BYTES
    if size > limit:
        raise PayloadTooLarge(
            _("The file is larger than the limit of %(mb)s MB.") % {"mb": megabytes(limit)},
            code="attachment_too_large",
        )


_NAME_END = re.compile(r"[\s.]+$")


def _last_extension(name: str) -> str:
    _stem, dot, extension = _NAME_END.sub("", name).rpartition(".")
    return extension.strip().casefold() if dot else ""


def blocked_extensions() -> frozenset[str]:
    """The refused extensions as compared, without their dot ("exe"): HELPDESK_BLOCKED_FILE_EXTENSIONS."""
    return frozenset(ext.strip().lstrip(".").casefold() for ext in settings.HELPDESK_BLOCKED_FILE_EXTENSIONS) - {""}


def blocked_extension(name: str) -> str:
    """The refused extension a file name ends with, e.g. ".exe" ("" when none; HELPDESK_BLOCKED_FILE_EXTENSIONS).
    Read as Windows would open the file, and as it is stored: the last path part, with or without what
    follows a colon (an NTFS stream, "run.exe::$DATA"), without invisible characters (bidi overrides,
    joiners), trailing dots and spaces, in any letter case or width ("ＥＸＥ"); so "invoice.pdf.exe",
    "setup.EXE. " and a name that shows reversed by a right-to-left override are all read as .exe."""
    blocked = blocked_extensions()
    text = unicodedata.normalize("NFKC", without_format_chars(name or "")).replace("\u200c", "").replace("\u200d", "")
    last_part = re.split(r"[/\\]", text)[-1]
    for candidate in (last_part, last_part.split(":")[0]):
        if (extension := _last_extension(candidate)) in blocked:
            return f".{extension}"
    return ""


def blocked_type_message(*, name: str, extension: str) -> str:
    """What a refused file type is told as (the server's refusals, and the browser's: tickets.attachments.forms).
    The type is said as "EXE", not ".exe": a leading dot shows at the wrong end in a right-to-left sentence."""
    if extension.startswith("."):
        extension = extension[1:].upper()
    return _(
        "“%(name)s” cannot be attached: %(extension)s files are programs or scripts, which could harm the "
        "computer of whoever opens them."
    ) % {"name": name, "extension": extension}


def type_refusal(name: str) -> str:
    """Why a file of this name is refused on every channel ("" when it is not): a program or script."""
    extension = blocked_extension(name)
    return blocked_type_message(name=safe_filename(name), extension=extension) if extension else ""


def check_type(name: str) -> None:
    """Refuse a file whose type no channel accepts (400, code `attachment_type_blocked`)."""
    if refusal := type_refusal(name):
        raise DomainError(refusal, code="attachment_type_blocked")


def file_refusal(upload) -> str:
    """Why one uploaded file cannot be attached ("" when it can): the per-file check of every form."""
    if refusal := type_refusal(upload.name):
        return refusal
    limit = settings.HELPDESK_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        return _("“%(name)s” is larger than the limit of %(mb)s MB.") % {"name": upload.name, "mb": megabytes(limit)}
    if not upload.size:
        return _("The submitted file is empty.")
    return ""


def attachment_store(*, ticket: Ticket, message: Message | None, incoming: IncomingFile) -> Attachment:
    """Write one file to storage and record it; refuses files over the configured limit, and programs and
    scripts (check_type), whichever channel brought them."""
    check_size(incoming.size)
    check_type(incoming.name)
    name = safe_filename(incoming.name)
    content_type = (incoming.content_type or "").split(";")[0].strip().lower()
    if not content_type or "/" not in content_type:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type.startswith("image/") and content_type != "image/svg+xml":
        content_type = image_type_of(_first_bytes(incoming.content), claimed=content_type)
    if isinstance(incoming.content, bytes):
        digest, content = hashlib.sha256(incoming.content).hexdigest(), ContentFile(incoming.content)
    else:
        digest, content = _sha256_of(incoming.content), incoming.content
    charset = _charset_of_bytes(content) if content_type.startswith("text/") else Charset.NONE
    attachment = Attachment(
        ticket=ticket,
        message=message,
        original_name=name,
        content_type=content_type[:127],
        size=incoming.size,
        sha256=digest,
        content_id=incoming.content_id.strip("<>")[:255],
        is_inline=incoming.is_inline,
        charset=charset,
    )
    # Storage copies (or, for a temporary file on the same disk, moves) the file in chunks.
    attachment.file.save(digest, content, save=False)
    attachment.save()
    return attachment


def _first_bytes(content: bytes | File) -> bytes:
    if isinstance(content, bytes):
        return content[:_SIGNATURE_BYTES]
    content.seek(0)
    head = content.read(_SIGNATURE_BYTES)
    content.seek(0)
    return head


def _matches(head: bytes, parts: tuple[bytes | None, ...]) -> bool:
    at = 0
    for part in parts:
        if part is not None and head[at : at + len(part)] != part:
            return False
        at += len(part) if part is not None else 4
    return True


def image_type_of(head: bytes, *, claimed: str) -> str:
    """The type a file said to be an image is stored as, from its first bytes: the image type they
    are (a JPEG sent as .png is a JPEG), else a plain download (`application/octet-stream`): a
    program renamed .png is kept whole, but never shown as an image or a (broken) thumbnail."""
    found = [kind for kind, parts in _IMAGE_SIGNATURES if _matches(head, parts)]
    if claimed in found:
        return claimed
    return found[0] if found else "application/octet-stream"


def _sha256_of(file: File) -> str:
    """The hash the upload handler took while the file streamed in (helpdesk.uploads), else read in chunks."""
    digest = getattr(file, "sha256", None)
    if digest:
        return digest
    sha256 = hashlib.sha256()
    for chunk in file.chunks():
        sha256.update(chunk)
    file.seek(0)
    return sha256.hexdigest()


def is_inline_safe(attachment: Attachment) -> bool:
    """Whether a browser may show the file inline (images and plain text only)."""
    return attachment.content_type in INLINE_TYPES and attachment.content_type not in ACTIVE_TYPES


def _charset_of_bytes(handle) -> str:
    return Charset.UTF8 if utf8_charset(handle) else Charset.NONE


def charset_of(attachment: Attachment) -> str:
    """The charset the file is served with ("" for none): the one stored on upload; a row stored
    before the field has its file read once here and the answer written back for later downloads."""
    if attachment.charset == Charset.UNDECIDED:
        charset = Charset.NONE
        if attachment.content_type.startswith("text/"):
            with attachment.file.open("rb") as handle:
                charset = _charset_of_bytes(handle)
        Attachment.objects.filter(pk=attachment.pk, charset=Charset.UNDECIDED).update(charset=charset)
        attachment.charset = charset
    return "" if attachment.charset == Charset.NONE else attachment.charset


def utf8_charset(handle) -> str:
    """ "utf-8" when the open file's bytes decode as UTF-8 (read in chunks, then rewound), else "":
    a text file is served with the charset it really has, so a browser never guesses (mojibake)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in iter(lambda: handle.read(64 * 1024), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return ""
    finally:
        handle.seek(0)
    return "utf-8"
