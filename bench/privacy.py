"""Privacy export and erasure of one contact with many large attachments: time, memory, queries.

    DATABASE_URL=postgres://... HELPDESK_MEDIA_ROOT=/tmp/hd-bench-media python -m bench.privacy \\
        [--tickets 40] [--files-per-ticket 5] [--file-mb 2]

Creates a contact (bench-privacy-<n>@bench.test) with that many tickets, each with an agent reply and a
customer reply carrying the files (random bytes, so the zip cannot shrink them), through the services.
Then measures `contact_export` (wall time, Python heap peak with tracemalloc, the zip's size, queries)
and `contact_erase` (wall time, queries). The point of the export's design is that the heap peak stays
flat however many megabytes the files hold: the zip is written to a temporary file, in chunks.
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.production import django_setup  # noqa: E402

django_setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from customers.models import Contact  # noqa: E402
from helpdesk.models import User  # noqa: E402
from tickets import services  # noqa: E402
from tickets.attachments.store import IncomingFile  # noqa: E402
from tickets.privacy.erase import contact_erase  # noqa: E402
from tickets.privacy.export import contact_export  # noqa: E402


def _setup(tickets: int, files: int, size: int) -> tuple[Contact, User]:
    admin, _ = User.objects.get_or_create(email="bench-privacy-admin@bench.test", defaults={"role": "admin"})
    agent, _ = User.objects.get_or_create(email="bench-privacy-agent@bench.test", defaults={"role": "agent"})
    n = Contact.objects.filter(email__startswith="bench-privacy-").count()
    contact = Contact.objects.create(email=f"bench-privacy-{n}@bench.test", full_name=f"Bench Person {n}")
    for t in range(tickets):
        ticket = services.ticket_open(actor=None, requester=contact, subject=f"Bench request {t}", body="Hello")
        services.ticket_reply(ticket=ticket, actor=agent, body=f"Dear Bench Person {n}, send the files.")
        attachments = [IncomingFile(name=f"file-{t}-{f}.bin", content=os.urandom(size)) for f in range(files)]
        services.ticket_customer_reply(
            ticket=ticket, actor=None, contact=contact, body="Here.", attachments=attachments
        )
    return contact, admin


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=40)
    parser.add_argument("--files-per-ticket", type=int, default=5)
    parser.add_argument("--file-mb", type=float, default=2.0)
    args = parser.parse_args()
    size = int(args.file_mb * 1024 * 1024)
    started = time.perf_counter()
    contact, admin = _setup(args.tickets, args.files_per_ticket, size)
    total_mb = args.tickets * args.files_per_ticket * size / 1024 / 1024
    print(f"setup: {args.tickets} tickets, {total_mb:.0f} MB of files in {time.perf_counter() - started:.1f} s")

    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        archive = contact_export(contact=contact, actor=admin)
        elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    archive.seek(0, os.SEEK_END)
    print(
        f"export: {elapsed:.2f} s, zip {archive.tell() / 1024 / 1024:.0f} MB, "
        f"Python heap peak {peak / 1024 / 1024:.1f} MB, {len(queries)} queries"
    )
    archive.close()

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        counts = contact_erase(contact=contact, actor=admin, confirm=contact.email)
        elapsed = time.perf_counter() - started
    print(f"erase: {elapsed:.2f} s, {len(queries)} queries, {counts}")


if __name__ == "__main__":
    main()
