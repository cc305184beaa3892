"""Upload handlers (settings.FILE_UPLOAD_HANDLERS) for every page and API operation that takes files.

Files larger than FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file on disk, never into memory;
each file is hashed (SHA-256) as its chunks arrive, so storing it needs no second read; and a request
whose files together pass HELPDESK_MAX_UPLOAD_BYTES is refused while it streams, before the rest of
its body is read. The per-file limit (HELPDESK_MAX_ATTACHMENT_BYTES) is checked by the forms and the
API, which can name the file; the total here bounds what one request can make the server hold.
"""

import hashlib
import html

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.utils.translation import gettext as _

from . import dates


def megabytes(size: int) -> str:
    """A size in MB as the reader writes it: "10", "2.5" (Persian digits in fa)."""
    text = f"{size / 1024 / 1024:g}" if size % (1024 * 1024) == 0 else f"{size / 1024 / 1024:.1f}"
    return dates.local_number(text)


class UploadTooLarge(RequestDataTooBig):
    """The files of one request pass the per-request limit. Pages answer it with a 413 page
    (helpdesk.views.bad_request), the API with a 413 `upload_too_large` (helpdesk.exceptions)."""

    code = "upload_too_large"

    def __init__(self):
        super().__init__(limits_message())


def limits_message() -> str:
    """The upload limits in words, for every refusal of a too-large upload."""
    return _(
        "The upload is too large: each file may be at most %(file_mb)s MB, and the files of one request "
        "together at most %(total_mb)s MB."
    ) % {
        "file_mb": megabytes(settings.HELPDESK_MAX_ATTACHMENT_BYTES),
        "total_mb": megabytes(settings.HELPDESK_MAX_UPLOAD_BYTES),
    }


class UploadLimitHandler(FileUploadHandler):
    """First in the chain: counts the bytes of all files of the request and stops past the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        # The body may hold the files and, besides them, at most DATA_UPLOAD_MAX_MEMORY_SIZE of fields:
        # a larger declared length is refused before a byte of it is read.
        allowance = settings.HELPDESK_MAX_UPLOAD_BYTES + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        if content_length and content_length > allowance:
            raise UploadTooLarge
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.HELPDESK_MAX_UPLOAD_BYTES:
            raise UploadTooLarge
        return raw_data

    def file_complete(self, file_size):
        return None


class _Hashing:
    """Hash the chunks this handler keeps; the finished file carries `sha256` (hex)."""

    def new_file(self, *args, **kwargs):
        self._sha256 = hashlib.sha256()
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        passed_on = super().receive_data_chunk(raw_data, start)
        if passed_on is None:  # this handler kept the chunk
            self._sha256.update(raw_data)
        return passed_on

    def file_complete(self, file_size):
        file = super().file_complete(file_size)
        if file is not None:
            file.sha256 = self._sha256.hexdigest()
        return file


class HashingMemoryFileUploadHandler(_Hashing, MemoryFileUploadHandler):
    """Small files (up to FILE_UPLOAD_MAX_MEMORY_SIZE) in memory, hashed."""


class HashingTemporaryFileUploadHandler(_Hashing, TemporaryFileUploadHandler):
    """Larger files streamed to a temporary file on disk, hashed."""


def _upload_file_name(parser, file_name: str) -> str | None:
    """Django's MultiPartParser.sanitize_file_name, keeping ZWNJ and ZWJ: Django drops every character
    that is not printable, so "اسکرین‌شات.png" lost its joiner on the pages and the API but not by mail.
    The name is untrusted still: tickets.attachments.store.safe_filename cleans it for every channel."""
    file_name = html.unescape(file_name).rsplit("/")[-1].rsplit("\\")[-1]
    file_name = "".join(char for char in file_name if char.isprintable() or char in "\u200c\u200d")
    return None if file_name in {"", ".", ".."} else file_name


def keep_joiners_in_upload_names() -> None:
    """Make every multipart upload (pages and API alike) keep ZWNJ and ZWJ in file names (apps.ready)."""
    MultiPartParser.sanitize_file_name = _upload_file_name
