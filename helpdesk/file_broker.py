"""The embedded file broker (no REDIS_URL): kombu's filesystem transport, with every file written whole.

kombu opens a message file under its final name and then writes it, so a worker polling the folder can
take the file while it is still empty and stop on a JSONDecodeError (kombu issue #1551). Here a message
is written under a name no reader matches (``….msg.part``) and renamed into place once complete, and an
exchange's table is created the same way; a rename within one folder is atomic, so a reader sees a whole
file or none. `register()` (helpdesk.celery, so in every process that loads the settings) makes it the
transport of ``filesystem://`` URLs; a connection to any other URL keeps that URL's transport.
"""

import os
import tempfile
import uuid
from pathlib import Path
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.json import dumps


def write_whole(path: Path, data: bytes, *, replace: bool) -> bool:
    """Write `data` to `path` so that no reader ever sees part of it.

    `replace`: an existing file is replaced; otherwise the file is only created, and False is returned
    when it already exists (the caller then updates it under its lock).
    """
    handle, part = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if replace:
            os.replace(part, path)
            return True
        try:
            os.link(part, path)  # creates `path` whole, or fails if it is there
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(part):
            os.unlink(part)


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put a message on `queue`: the same name kombu gives it, appearing only once written."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        path = Path(self.data_folder_out) / name
        try:
            write_whole(path, dumps(payload).encode(), replace=True)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {str(path)!r} to directory") from exc

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        """Bind `queue` to `exchange`; a new exchange's table is created whole, an existing one is
        updated by kombu under its lock."""
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(exist_ok=True)
        table = [filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")]
        try:
            if not file.exists() and write_whole(file, dumps(table).encode(), replace=False):
                return
        except OSError as exc:
            raise ChannelError(f"Cannot open {file}") from exc
        super()._queue_bind(exchange, routing_key, pattern, queue)


class Transport(filesystem.Transport):
    Channel = Channel
    # How long a worker waits before looking in the folder again once it found nothing to take, or has as
    # many messages as it may hold (kombu's 1 s held a worker of two processes to about two tasks a second).
    polling_interval = 0.1


def register() -> None:
    """Make this the transport of ``filesystem://`` URLs (before any connection resolves the alias)."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
