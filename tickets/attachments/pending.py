"""Kept uploads: the files of a refused reply are not lost.

When a reply form comes back with an error (an empty or too long message, another file refused, a
service's refusal), each file it carried that the attachment checks accept is stored as a PendingUpload
of the person who sent it, and the form shown again lists it ("kept"). Their next send names the kept
files it still wants (`kept` ids); only the sender's own, unexpired uploads are found, anyone else's id
is ignored. Sent, they are attached like new files (tickets.attachments.store) and deleted; unticked
(offered on the form, `kept_offered`, but not sent), they are deleted with that send; never sent, the
periodic purge deletes them after PENDING_LIFETIME. The portal's reply and the agent's composer use
this through tickets.attachments.forms.KeptFilesForm.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.files import File
from django.db import transaction

from helpdesk.models import User
from tickets.attachments.store import IncomingFile, file_refusal, safe_filename
from tickets.models import PendingUpload
from tickets.privacy.scrub import delete_files_on_commit

PENDING_LIFETIME = timedelta(hours=24)
PURGE_BATCH = 500


def pending_uploads_for(*, user: User, ids: Iterable[int], now: datetime) -> list[PendingUpload]:
    """The user's own kept uploads among `ids` that have not expired, in the order kept; the ids of
    anyone else's uploads find nothing."""
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted or not user.is_authenticated:
        return []
    return list(PendingUpload.objects.filter(owner=user, pk__in=wanted, created_at__gt=now - PENDING_LIFETIME))


def pending_uploads_keep(*, user: User, files: Sequence, room: int) -> list[PendingUpload]:
    """Keep the files of a refused submission that the attachment checks accept (at most `room` of
    them) as the user's pending uploads; a refused file, or one no longer readable, is left out. Name
    and type are taken as sent: attaching it later checks them as for any new file."""
    kept: list[PendingUpload] = []
    for upload in files:
        if len(kept) >= room or file_refusal(upload):
            continue
        row = PendingUpload(
            owner=user,
            original_name=safe_filename(upload.name),
            content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:127],
            size=upload.size,
        )
        try:
            upload.seek(0)
            row.file.save(row.original_name, upload, save=False)
        except (FileNotFoundError, OSError, ValueError):
            continue  # a temporary file the refused send had already moved into storage
        row.save()
        kept.append(row)
    return kept


def pending_incoming(uploads: Sequence[PendingUpload]) -> list[IncomingFile]:
    """Kept uploads as the files the message services take (read from storage in chunks)."""
    return [
        IncomingFile(
            name=u.original_name, content=File(u.file.open("rb"), name=u.original_name), content_type=u.content_type
        )
        for u in uploads
    ]


def pending_uploads_attached(*, uploads: Sequence[PendingUpload]) -> None:
    """Kept uploads a message now carries (its own stored copies): deleted with the transaction."""
    if uploads:
        PendingUpload.objects.filter(pk__in=[u.pk for u in uploads]).delete()
        delete_files_on_commit(u.file for u in uploads)


def pending_uploads_dropped(*, user: User, ids: Iterable[int]) -> None:
    """Kept uploads their owner unticked (offered on the form, not sent with it): deleted with their
    files now, not left for the purge (a file attached by mistake goes when it is taken out). Only the
    user's own are found."""
    wanted = {i for i in ids if isinstance(i, int)}
    if wanted and user.is_authenticated:
        dropped = list(PendingUpload.objects.filter(owner=user, pk__in=wanted))
        PendingUpload.objects.filter(pk__in=[u.pk for u in dropped]).delete()
        delete_files_on_commit(u.file for u in dropped)


def pending_uploads_purge(*, now: datetime) -> int:
    """Delete kept uploads past PENDING_LIFETIME and their files, in batches; returns how many."""
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                PendingUpload.objects.filter(created_at__lte=now - PENDING_LIFETIME)
                .order_by("created_at")
                .select_for_update(skip_locked=True)[:PURGE_BATCH]
            )
            if not batch:
                return done
            PendingUpload.objects.filter(pk__in=[u.pk for u in batch]).delete()
            delete_files_on_commit(u.file for u in batch)
        done += len(batch)
