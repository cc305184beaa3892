"""Inbound mail throughput: messages ingested per second by one process (goal: >= 50/s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_email_bench python bench/email_ingest.py --messages 500

Two workloads, each run --rounds times, median reported:
- corpus: every message of shared/corpus/email (367 full messages), each given a fresh Message-ID
  per round so dedupe does not short-cut the work;
- stream: N generated messages, ~60 % new requests from a pool of senders and ~40 % replies
  (In-Reply-To an earlier mail of the same ticket), a third with a PDF and an inline image.
Each ingest is the whole path: raw file stored, parsed, deduped, threaded, contact, ticket or reply,
attachments, search index, SLA, acknowledgement queued. Media go to a temporary folder.
"""

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and "email" would be this file,
# not the standard library's package: drop the folder before anything imports email.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from email.message import EmailMessage  # noqa: E402
from email.utils import make_msgid  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("CELERY_QUEUE", "email-bench")
os.environ.setdefault("HELPDESK_MEDIA_ROOT", tempfile.mkdtemp(prefix="hd-email-bench-media-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from helpdesk.models import Team  # noqa: E402
from tickets.email.ingest import email_ingest  # noqa: E402
from tickets.models import InboundEmail, Mailbox  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "email"
BODY_ONLY = (("email-reply-parser", (".txt",)), ("talon", (".txt", ".html")))
PDF = b"%PDF-1.4\n" + bytes(random.Random(1).getrandbits(8) for _ in range(20_000))
PNG = b"\x89PNG\r\n\x1a\n" + bytes(random.Random(2).getrandbits(8) for _ in range(4_000))
WORDS = [
    "printer",
    "invoice",
    "refund",
    "login",
    "password",
    "vpn",
    "backup",
    "server",
    "slow",
    "error",
    "timeout",
    "upgrade",
    "report",
]


def corpus_messages() -> list[bytes]:
    top = len(CORPUS.parts)
    result = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.name.endswith((".expect.json", ".md")) or "source-yml" in path.parts:
            continue
        if any(path.parts[top] == folder and path.suffix in suffixes for folder, suffixes in BODY_ONLY):
            continue
        result.append(path.read_bytes())
    return result


def fresh_id(raw: bytes, tag: str) -> bytes:
    """The message with a new first Message-ID header (the parser reads the first one)."""
    return f"Message-ID: <{tag}@bench.invalid>\r\n".encode() + raw


def generated_mail(rng: random.Random, number: int, threads: list[tuple[str, str, str]]) -> tuple[bytes, tuple]:
    """One customer mail: a new request, or a reply to an earlier thread. Returns (raw, thread)."""
    mail = EmailMessage()
    message_id = make_msgid(domain="customer.bench")
    reply_to = rng.random() < 0.4 and threads
    if reply_to:
        sender, subject, parent = rng.choice(threads)
        mail["Subject"] = f"Re: {subject}"
        mail["In-Reply-To"] = parent
        mail["References"] = parent
        body = f"Still happening ({number}).\n\nOn Monday, Support wrote:\n> Please try again."
    else:
        sender = f"customer{rng.randrange(200)}@org{rng.randrange(20)}.bench"
        subject = " ".join(rng.choices(WORDS, k=4)) + f" {number}"
        mail["Subject"] = subject
        body = " ".join(rng.choices(WORDS, k=60))
    mail["From"] = sender
    mail["To"] = "support@helpdesk.bench"
    mail["Message-ID"] = message_id
    mail.set_content(body)
    if rng.random() < 0.33:
        mail.add_alternative(f'<p>{body}</p><p><img src="cid:shot{number}@bench"></p>', subtype="html")
        mail.get_body(("html",)).add_related(
            PNG, maintype="image", subtype="png", cid=f"<shot{number}@bench>", filename="screenshot.png"
        )
        mail.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"report-{number}.pdf")
    return mail.as_bytes(), (sender, subject, message_id)


def timed(label: str, raws: list[bytes], mailbox: Mailbox) -> float:
    start = time.perf_counter()
    for raw in raws:
        email_ingest(raw=raw, mailbox=mailbox)
    elapsed = time.perf_counter() - start
    rate = len(raws) / elapsed
    print(f"  {label}: {len(raws)} messages in {elapsed:.2f} s = {rate:.1f}/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=500, help="generated messages per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # quarantined corpus messages log a warning each

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    team, _created = Team.objects.get_or_create(slug="first-line", defaults={"name": "First line"})
    mailbox, _created = Mailbox.objects.get_or_create(
        address="support@helpdesk.bench", defaults={"name": "Bench", "team": team}
    )
    rng = random.Random(42)
    run = f"{int(time.time())}"

    corpus_rates = []
    corpus = corpus_messages() if CORPUS.is_dir() else []
    if corpus:
        print(f"corpus ({len(corpus)} messages):")
        for round_ in range(args.rounds):
            raws = [fresh_id(raw, f"c{run}-{round_}-{i}") for i, raw in enumerate(corpus)]
            corpus_rates.append(timed(f"round {round_ + 1}", raws, mailbox))

    stream_rates = []
    print(f"generated stream ({args.messages} messages per round):")
    threads: list[tuple[str, str, str]] = []
    for round_ in range(args.rounds):
        raws = []
        for i in range(args.messages):
            raw, thread = generated_mail(rng, round_ * args.messages + i, threads)
            raws.append(raw)
            threads.append(thread)
        stream_rates.append(timed(f"round {round_ + 1}", raws, mailbox))

    statuses = dict(InboundEmail.objects.filter(mailbox=mailbox).values_list("status").annotate(n=Count("id")))
    print(f"inbound rows by status: {statuses}")
    if corpus_rates:
        print(f"median corpus throughput: {statistics.median(corpus_rates):.1f} messages/s")
    print(f"median stream throughput: {statistics.median(stream_rates):.1f} messages/s (goal >= 50/s)")


if __name__ == "__main__":
    main()
