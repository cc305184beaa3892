"""The long fault run of issue #20, run by hand (about 75 minutes with the defaults):

    createdb -h 127.0.0.1 -U postgres h_faultrun
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h_faultrun .venv/bin/python bench/faultrun.py

Real processes throughout, in production mode (DEBUG off): gunicorn with 2 workers, two Celery workers
and beat on a Redis server of the run's own, PostgreSQL from DATABASE_URL (migrated and loaded with the
demo data), and an SMTP server (aiosmtpd) in this process that every mail goes to.

Load: agents' API clients write for the whole fault window. Most writes are public replies, each
carrying a token, to open tickets of customers (each must reach its customer by mail exactly once);
some are urgent tickets for the Premium 24/7 customer that nobody answers (15 minutes to the first
response: an SLA warning, then the breach; a warning not sent before the breach must be dropped, never
sent after it). A client retries a failed write with the same Idempotency-Key, as a careful client does.

Faults, in minutes from the start of the load (options change them):
- the SMTP server answers 451 to every mail from minute 2, for 30 minutes;
- Redis is killed at minute 10 and started again, empty, 5 minutes later;
- a Celery worker is killed with SIGKILL every minute (the two in turn, each started again 3 s
  later) until the SMTP server accepts again.
Then the load stops and the run waits for the outbox to drain (at most --drain-minutes), printing a
line a minute, and prints the figures: writes acknowledged, mails expected (the outbox's mail rows),
delivered once, duplicated (one Message-ID received twice, and how many of those carried the resend
mark), dropped as stale, failed, still pending; and whether every acknowledged reply's token reached
its customer exactly once.
"""

import argparse
import collections
import logging
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = re.compile(r"FR-[0-9a-f]{12}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """aiosmtpd handler: refuses every mail with 451 while `refusing`, else keeps what it was given."""

    def __init__(self) -> None:
        self.refusing = False
        self.refused = 0
        self.lock = threading.Lock()
        self.by_message_id: collections.Counter = collections.Counter()
        self.resent: collections.Counter = collections.Counter()
        self.tokens: collections.Counter = collections.Counter()
        self.templates: dict[str, str] = {}
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refusing:
            with self.lock:
                self.refused += 1
            return "451 4.3.0 Try again later"
        mail = message_from_bytes(envelope.content, policy=policy.default)
        message_id = str(mail["Message-ID"] or "")
        body = mail.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        with self.lock:
            self.received += 1
            self.by_message_id[message_id] += 1
            if mail["X-Helpdesk-Resend"]:
                self.resent[message_id] += 1
            for token in set(TOKEN.findall(text)):
                self.tokens[token] += 1
        return "250 OK"


class Processes:
    """The run's own Redis and the helpdesk's processes; workers can be SIGKILLed and started again."""

    def __init__(self, workdir: Path, env: dict) -> None:
        self.workdir = workdir
        self.env = env
        self.redis: subprocess.Popen | None = None
        self.workers: dict[str, subprocess.Popen] = {}
        self.others: list[subprocess.Popen] = []
        self.kills = 0

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - open for the process's life
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)

    def redis_start(self, port: int) -> None:
        args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.redis = self._spawn("redis", args)
        time.sleep(0.5)

    def redis_kill(self) -> None:
        if self.redis is not None:
            self.redis.kill()
            self.redis.wait()

    def worker_start(self, name: str) -> None:
        args = [str(BIN / "celery"), "-A", "helpdesk", "worker", "-n", f"{name}@%h", "-c", "2", "--loglevel", "INFO"]
        self.workers[name] = self._spawn(name, args)

    def worker_kill(self, name: str) -> None:
        """SIGKILL the worker and its pool processes at once, as when its machine or container dies."""
        os.killpg(self.workers[name].pid, signal.SIGKILL)
        self.workers[name].wait()
        self.kills += 1

    def start_web_and_beat(self, port: int) -> None:
        self.others.append(
            self._spawn(
                "web", [str(BIN / "gunicorn"), "helpdesk.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
            )
        )
        schedule = str(self.workdir / "celerybeat-schedule")
        self.others.append(self._spawn("beat", [str(BIN / "celery"), "-A", "helpdesk", "beat", "-s", schedule]))

    def stop_all(self) -> None:
        for process in [*self.workers.values(), *self.others]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.workers.values(), *self.others]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.redis_kill()


class Client(threading.Thread):
    """One agent's API client: replies with a token to open tickets, now and then an urgent ticket."""

    def __init__(self, base: str, token: str, tickets: list[int], contact: int, stop: threading.Event, pace: float):
        super().__init__(daemon=True)
        self.base, self.tickets, self.contact, self.stop, self.pace = base, tickets, contact, stop, pace
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        self.acknowledged: dict[str, int] = {}  # reply token -> ticket
        self.urgent = 0
        self.failed = 0
        self.retries = 0
        self.errors: collections.Counter = collections.Counter()

    def _write(self, path: str, payload: dict) -> bool:
        """POST until a 2xx, with one Idempotency-Key, for at most 10 minutes (a client with patience)."""
        key = str(uuid.uuid4())
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                answer = self.session.post(self.base + path, json=payload, headers={"Idempotency-Key": key}, timeout=30)
                if answer.status_code < 300:
                    return True
                self.errors[answer.status_code] += 1
                if answer.status_code < 500 and answer.status_code != 429:
                    return False
            except requests.RequestException as exc:
                self.errors[type(exc).__name__] += 1
            self.retries += 1
            time.sleep(2)
        return False

    def run(self) -> None:
        rng = random.Random()
        while not self.stop.is_set():
            if rng.random() < 0.08:
                subject = f"Urgent fault run {uuid.uuid4().hex[:6]}: the portal is down"
                payload = {"subject": subject, "body": "Nothing loads.", "priority": "urgent"}
                if self._write("/api/v1/tickets/", {**payload, "requester": self.contact}):
                    self.urgent += 1
                else:
                    self.failed += 1
            else:
                token = f"FR-{uuid.uuid4().hex[:12]}"
                ticket = rng.choice(self.tickets)
                body = f"We are looking into it (reference {token})."
                if self._write(f"/api/v1/tickets/{ticket}/messages/", {"body": body}):
                    self.acknowledged[token] = ticket
                else:
                    self.failed += 1
            self.stop.wait(rng.uniform(0.5, 1.5) * self.pace)


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command


def prepare(workdir: Path) -> tuple[list[int], int]:
    """Migrate, load the demo data, and pick the tickets to reply to and the Premium customer."""
    from tickets.models import Status, Ticket

    for args in (["migrate", "--noinput", "-v", "0"], ["load_demo", "--force"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    tickets = Ticket.objects.filter(
        status__in=[Status.NEW, Status.OPEN, Status.PENDING], requester__email__endswith="example.com"
    )
    ids = list(tickets.values_list("id", flat=True)[:40])
    contact = Ticket.objects.filter(requester__email="customer@example.com").values_list("requester_id", flat=True)[0]
    return ids, contact


def api_token(base: str, email: str) -> str:
    answer = requests.post(f"{base}/api/v1/auth/token/", json={"email": email, "password": "demo"}, timeout=30)
    answer.raise_for_status()
    return answer.json()["token"]


def outbox_counts(since) -> dict:
    from helpdesk.models import NotificationLog
    from helpdesk.outbox.schedule import MAX_ATTEMPTS

    rows = NotificationLog.objects.filter(kind=NotificationLog.Kind.EMAIL, created_at__gte=since)
    unsent = rows.filter(sent_at__isnull=True)
    return {
        "rows": rows.count(),
        "sent": rows.filter(sent_at__isnull=False, dropped=False).count(),
        "dropped": rows.filter(dropped=True).count(),
        "failed": unsent.filter(attempts__gte=MAX_ATTEMPTS).count(),
        "pending": unsent.filter(attempts__lt=MAX_ATTEMPTS).count(),
    }


def wait_for_web(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=3).status_code < 600:
                return
        except requests.RequestException:
            time.sleep(0.5)
    raise RuntimeError("the web server did not start")


class Run:
    """The schedule of faults over the load, a status line a minute, and the drain afterwards."""

    def __init__(self, args, procs: Processes, sink: SmtpSink, redis_port: int, since) -> None:
        self.args, self.procs, self.sink, self.redis_port, self.since = args, procs, sink, redis_port, since
        self.started = time.monotonic()
        self.clients: list[Client] = []

    def minute(self) -> float:
        return (time.monotonic() - self.started) / 60

    def line(self, phase: str) -> None:
        counts = outbox_counts(self.since)
        acknowledged = sum(len(client.acknowledged) + client.urgent for client in self.clients)
        print(
            f"{self.minute():5.1f} min  {phase:<16} writes {acknowledged:5}  outbox {counts}  "
            f"smtp refused {self.sink.refused} received {self.sink.received}  kills {self.procs.kills}",
            flush=True,
        )

    def faults(self) -> None:
        """Run the fault window: SMTP refusing, Redis down for a while, a worker killed each minute."""
        args, names = self.args, ["w1", "w2"]
        smtp_from, smtp_to = args.smtp_at, args.smtp_at + args.smtp_minutes
        redis_from, redis_to = args.redis_at, args.redis_at + args.redis_minutes
        redis_down, next_kill, next_line, turn = False, 1.0, 0.0, 0
        while self.minute() < smtp_to:
            now = self.minute()
            self.sink.refusing = smtp_from <= now < smtp_to
            if redis_from <= now < redis_to and not redis_down:
                self.procs.redis_kill()
                redis_down = True
            elif now >= redis_to and redis_down:
                self.procs.redis_start(self.redis_port)
                redis_down = False
            if now >= next_kill:
                name = names[turn % 2]
                self.procs.worker_kill(name)
                time.sleep(3)
                self.procs.worker_start(name)
                turn, next_kill = turn + 1, next_kill + args.kill_every / 60
            if now >= next_line:
                self.line("redis down" if redis_down else ("smtp refusing" if self.sink.refusing else "faults"))
                next_line += 1
            time.sleep(1)
        self.sink.refusing = False

    def drain(self) -> None:
        deadline = self.minute() + self.args.drain_minutes
        while self.minute() < deadline:
            self.line("draining")
            if outbox_counts(self.since)["pending"] == 0:
                return
            time.sleep(60)


def report(run: Run) -> None:
    """The figures: writes, mails expected, delivered, duplicated, dropped as stale, failed, pending."""
    from helpdesk.models import NotificationLog
    from tickets.models import Message

    sink, since = run.sink, run.since
    acknowledged = {token: ticket for client in run.clients for token, ticket in client.acknowledged.items()}
    stored = collections.Counter()
    for body in Message.objects.filter(created_at__gte=since, body_text__contains="FR-").values_list(
        "body_text", flat=True
    ):
        stored.update(TOKEN.findall(body))
    rows = NotificationLog.objects.filter(kind=NotificationLog.Kind.EMAIL, created_at__gte=since)
    sent_ids = {
        f"<{mid}>" for mid in rows.filter(sent_at__isnull=False, dropped=False).values_list("message_id", flat=True)
    }
    counts = outbox_counts(since)
    duplicated = [mid for mid, n in sink.by_message_id.items() if n > 1]
    dropped = collections.Counter(rows.filter(dropped=True).values_list("template", "last_error"))
    print("\n== Figures")
    print(
        f"writes acknowledged: {len(acknowledged)} replies + {sum(c.urgent for c in run.clients)} urgent tickets;"
        f" refused after retries: {sum(c.failed for c in run.clients)}; client retries: {sum(c.retries for c in run.clients)}"
        f" ({sum((c.errors for c in run.clients), collections.Counter())})"
    )
    print(
        f"replies stored: {sum(1 for t in acknowledged if stored[t] == 1)} once,"
        f" {sum(1 for t in acknowledged if stored[t] > 1)} twice or more, {sum(1 for t in acknowledged if stored[t] == 0)} lost"
    )
    print(
        f"mails expected (outbox rows): {counts['rows']}; sent {counts['sent']}, dropped {counts['dropped']},"
        f" failed {counts['failed']}, still pending {counts['pending']}"
    )
    print(
        f"SMTP: {sink.received} received, {len(sink.by_message_id)} distinct Message-IDs, {sink.refused} refused;"
        f" duplicated Message-IDs {len(duplicated)} (of which marked as resends: {sum(1 for m in duplicated if sink.resent[m])})"
    )
    print(
        f"marked sent but never received: {len(sent_ids - set(sink.by_message_id))};"
        f" received without an outbox row: {len(set(sink.by_message_id) - {f'<{m}>' for m in rows.values_list('message_id', flat=True)})}"
    )
    print(
        f"reply tokens in mail: {sum(1 for t in acknowledged if sink.tokens[t] == 1)} exactly once,"
        f" {sum(1 for t in acknowledged if sink.tokens[t] > 1)} more than once, {sum(1 for t in acknowledged if sink.tokens[t] == 0)} missing"
    )
    print("dropped (template, reason):")
    for (template, reason), n in dropped.most_common():
        print(f"  {n:5}  {template}: {reason[:100]}")
    print(f"workers killed: {run.procs.kills}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--pace", type=float, default=2.5, help="seconds between one client's writes (mean)")
    parser.add_argument("--smtp-at", type=float, default=2)
    parser.add_argument("--smtp-minutes", type=float, default=30)
    parser.add_argument("--redis-at", type=float, default=10)
    parser.add_argument("--redis-minutes", type=float, default=5)
    parser.add_argument("--kill-every", type=float, default=60, help="seconds")
    parser.add_argument("--drain-minutes", type=float, default=45)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so the processes it started stop too
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL database of its own (it is migrated and loaded)")
    from aiosmtpd.controller import Controller

    workdir = Path(tempfile.mkdtemp(prefix="faultrun-"))
    redis_port, smtp_port, web_port = free_port(), free_port(), free_port()
    env = dict(
        os.environ,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="fault-run-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        HELPDESK_SSL_REDIRECT="0",
        HELPDESK_SECURE_COOKIES="0",
        HELPDESK_STATIC_MANIFEST="0",
        HELPDESK_VAR_DIR=str(workdir),
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        HELPDESK_SITE_URL=f"http://127.0.0.1:{web_port}",
    )
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    setup_django(env)
    procs = Processes(workdir, env)
    procs.redis_start(redis_port)
    tickets, contact = prepare(workdir)
    procs.start_web_and_beat(web_port)
    for name in ("w1", "w2"):
        procs.worker_start(name)
    base = f"http://127.0.0.1:{web_port}"
    try:
        wait_for_web(base)
        from django.utils import timezone

        run = Run(args, procs, sink, redis_port, since=timezone.now())
        stop = threading.Event()
        tokens = [api_token(base, email) for email in ("agent@example.com", "admin@example.com")]
        run.clients = [Client(base, tokens[i % 2], tickets, contact, stop, args.pace) for i in range(args.clients)]
        print(f"logs in {workdir}; {len(tickets)} tickets to reply to; load starts", flush=True)
        for client in run.clients:
            client.start()
        run.faults()
        stop.set()
        for client in run.clients:
            client.join(timeout=660)
        run.drain()
        report(run)
    finally:
        procs.stop_all()
        controller.stop()


if __name__ == "__main__":
    main()
