"""A whole helpdesk installation of its own for the backup tests: a database (a PostgreSQL database
made for it on the suite's server, or a SQLite file) and a media folder, driven through `manage.py` in
subprocesses exactly as an operator would."""

from __future__ import annotations

import hashlib
import io
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import psycopg2
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 300


def postgres_server() -> dict | None:
    """The suite's PostgreSQL server (connection settings without a database name), or None on SQLite."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] not in ("django.db.backends.postgresql", "helpdesk.postgresql"):
        return None
    return {
        "host": database.get("HOST") or "127.0.0.1",
        "port": str(database.get("PORT") or 5432),
        "user": database.get("USER") or "postgres",
        "password": database.get("PASSWORD") or "",
    }


def postgres_admin(server: dict, sql: str) -> None:
    conn = psycopg2.connect(dbname="postgres", **server)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


@dataclass
class Installation:
    """One installation: `vendor` is postgresql or sqlite; `folder` holds var/ and media/."""

    vendor: str
    folder: Path
    server: dict | None = None
    name: str = field(default_factory=lambda: f"hd_backup_test_{uuid.uuid4().hex[:12]}")

    @property
    def media(self) -> Path:
        return self.folder / "media"

    @property
    def sqlite_file(self) -> Path:
        return self.folder / "var" / "helpdesk.sqlite3"

    def create(self) -> Installation:
        (self.folder / "var").mkdir(parents=True, exist_ok=True)
        if self.vendor == "postgresql":
            postgres_admin(self.server, f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self) -> None:
        if self.vendor == "postgresql":
            postgres_admin(self.server, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_", "DATABASE_"))}
        env.pop("REDIS_URL", None)  # the file broker: these commands enqueue nothing that must run
        env.update(
            {
                "DJANGO_DEBUG": "1",
                "HELPDESK_VAR_DIR": str(self.folder / "var"),
                "HELPDESK_MEDIA_ROOT": str(self.media),
                "HELPDESK_LOG_LEVEL": "WARNING",
            }
        )
        if self.vendor == "postgresql":
            s = self.server
            auth = s["user"] + (f":{s['password']}" if s["password"] else "")
            env["DATABASE_URL"] = f"postgres://{auth}@{s['host']}:{s['port']}/{self.name}"
        return env

    def manage(
        self, *args: str, stdin: bytes | None = None, check: bool = True, **kwargs
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env(), **kwargs.pop("env", {})},
            input=stdin,
            capture_output=True,
            timeout=TIMEOUT,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout.decode()}\n{result.stderr.decode()}"
            )
        return result

    def manage_peak_memory(self, *args: str) -> int:
        """Run a command that must succeed; the most memory (resident, bytes) its process used.

        Read from /proc/<pid>/status (VmHWM, the new program's own high-water mark), polled while it
        runs: wait4's ru_maxrss would also count the test process, which the child was forked from."""
        peak = 0
        with subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env(), stdout=subprocess.DEVNULL
        ) as process:
            while process.poll() is None:
                try:
                    status = Path(f"/proc/{process.pid}/status").read_text()
                except OSError:
                    break
                match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
                peak = max(peak, int(match.group(1)) * 1024 if match else 0)
                time.sleep(0.02)
        assert process.wait() == 0, f"manage.py {' '.join(args)} exited {process.returncode}"
        assert peak, "the command's memory could not be read"
        return peak

    # --- what the comparison reads ---

    def rows(self) -> dict[str, list]:
        """Every table: its row count and a hash of all its rows (as text, in a fixed order)."""
        if self.vendor == "postgresql":
            return self._postgres_rows()
        conn = sqlite3.connect(self.sqlite_file)
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            result = {}
            for table in tables:
                rows = sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"'))  # noqa: S608
                result[table] = [len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()]
            return result
        finally:
            conn.close()

    def _postgres_rows(self) -> dict[str, list]:
        conn = psycopg2.connect(dbname=self.name, **self.server)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
                tables = [r[0] for r in cursor.fetchall()]
                result = {}
                for table in tables:
                    cursor.execute(
                        f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608
                    )
                    result[table] = list(cursor.fetchone())
                cursor.execute(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
                )
                result["(sequences)"] = [0, repr(cursor.fetchall())]
                cursor.execute("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 2")
                result["(indexes)"] = [0, repr(cursor.fetchall())]
            return result
        finally:
            conn.close()

    def execute(self, *statements: str) -> None:
        """Run SQL on this installation's database directly (to make it differ from a backup)."""
        conn = (
            psycopg2.connect(dbname=self.name, **self.server)
            if self.vendor == "postgresql"
            else sqlite3.connect(self.sqlite_file)
        )
        try:
            cursor = conn.cursor()
            for statement in statements:
                cursor.execute(statement)
            conn.commit()
        finally:
            conn.close()

    def files(self) -> dict[str, str]:
        """Every file under the media folder and its sha256."""
        result = {}
        for path in sorted(p for p in self.media.rglob("*") if p.is_file()):
            digest = hashlib.sha256()
            with path.open("rb") as f:
                while chunk := f.read(1024 * 1024):
                    digest.update(chunk)
            result[path.relative_to(self.media).as_posix()] = digest.hexdigest()
        return result


def mail_with_attachment(*, payload: bytes, filename: str) -> bytes:
    """A customer's mail with one attachment, as a mail server would pipe it to ingest_email."""
    message = EmailMessage()
    message["From"] = "Customer <customer@example.com>"
    message["To"] = "support@example.com"
    message["Subject"] = "Backup test: the invoice does not open"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.com>"
    message.set_content("The attached file does not open.\n")
    message.add_attachment(payload, maintype="application", subtype="octet-stream", filename=filename)
    return message.as_bytes()


def repack(source: Path, target: Path, change) -> None:
    """Copy an archive member by member (a correct .tar.gz again), letting `change(name, data)` alter
    one member's bytes (return None to drop it) or add members (`change` may return a list of pairs)."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            replaced = change(member.name, data)
            pairs = replaced if isinstance(replaced, list) else [(member.name, replaced)]
            for name, content in pairs:
                if content is None:
                    continue
                info = tarfile.TarInfo(name)
                info.size = len(content)
                new.addfile(info, io.BytesIO(content))
