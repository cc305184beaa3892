"""Installations for the backup tests: one source per database vendor (demo data, mail with
attachments, raw inbound mail, a file with a Persian name), backed up once per test run and shared by
the parallel test processes (a lock file; the first builds it). What the source held (every table's
rows, every file's hash) is kept beside its archive and the source database dropped at once."""

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ops.installation import Installation, mail_with_attachment, postgres_server

VENDORS = ["postgresql", "sqlite"]


@dataclass
class Backup:
    vendor: str
    server: dict | None
    archive: Path
    rows: dict
    files: dict


def _server_for(vendor: str) -> dict | None:
    if vendor != "postgresql":
        return None
    server = postgres_server()
    if server is None:
        pytest.skip("the PostgreSQL backup tests need the suite on PostgreSQL (DATABASE_URL)")
    return server


def _build(source: Installation, archive: Path, expected: Path) -> None:
    try:
        source.manage("migrate", "--noinput", "-v", "0")
        source.manage("load_demo")
        for size, name in ((300_000, "فاکتور آذر.bin"), (2_500_000, "logs.tar")):
            source.manage("ingest_email", stdin=mail_with_attachment(payload=os.urandom(size), filename=name))
        extra = source.media / "imported" / "نامه های قدیمی" / "readme one.txt"
        extra.parent.mkdir(parents=True)
        extra.write_text("Kept by hand beside the attachments.\n")
        source.manage("backup", "--output", str(archive))
        expected.write_text(json.dumps({"rows": source.rows(), "files": source.files()}))
    finally:
        source.drop()


@pytest.fixture(scope="session", params=VENDORS)
def backed_up(request, tmp_path_factory):
    vendor = request.param
    server = _server_for(vendor)
    shared = tmp_path_factory.getbasetemp().parent  # one folder for every process of this run
    folder = shared / f"backup-source-{vendor}"
    archive, expected = folder / "helpdesk.tar.gz", folder / "expected.json"
    with (shared / f"backup-source-{vendor}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not expected.exists():
            _build(Installation(vendor, folder, server=server).create(), archive, expected)
    data = json.loads(expected.read_text())
    return Backup(vendor, server, archive, data["rows"], data["files"])


@pytest.fixture
def target(backed_up, tmp_path):
    """A fresh, empty installation of the same vendor: a new database and a new media folder."""
    installation = Installation(backed_up.vendor, tmp_path / "target", server=backed_up.server).create()
    yield installation
    installation.drop()
