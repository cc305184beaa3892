"""`manage.py backup` and `manage.py restore` on real PostgreSQL and SQLite, run as an operator would:
demo data, mail with attachments and raw inbound mail backed up, restored into a fresh empty database
and media folder, every table's rows and every file's hash compared; damaged or foreign archives and a
non-empty installation refused with a clear message and nothing changed."""

import json
import os
import stat
import tarfile

import pytest

from tests.ops.installation import Installation, postgres_admin, repack


def _manifest(archive):
    with tarfile.open(archive, "r:gz") as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def test_restore_gives_back_every_row_and_every_file(backed_up, target):
    result = target.manage("restore", str(backed_up.archive))
    assert b"Restored the database and" in result.stdout
    source_rows = backed_up.rows
    assert target.rows() == source_rows
    assert source_rows["tickets_ticket"][0] >= 20 and source_rows["tickets_attachment"][0] >= 4
    assert source_rows["tickets_inboundemail"][0] == 2
    assert target.files() == backed_up.files
    assert any(name.startswith("inbound/") for name in backed_up.files)  # raw mail as received
    assert "imported/نامه های قدیمی/readme one.txt" in target.files()
    # The restored site works: Django sees every migration applied and the demo logins.
    check = target.manage("migrate", "--check")
    assert check.returncode == 0


def test_the_archive_says_what_it_holds_and_only_its_owner_reads_it(backed_up):
    archive = backed_up.archive
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    manifest = _manifest(archive)
    assert manifest["format"] == "helpdesk-backup" and manifest["format_version"] == 1
    assert manifest["database"]["vendor"] == backed_up.vendor
    assert manifest["media"]["count"] == len(backed_up.files)
    assert "0001_initial" in manifest["migrations"]["tickets"]
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        listing = tar.extractfile("media.sha256").read().decode().splitlines()
    assert names[0] == manifest["database"]["path"] and names[-1] == "manifest.json"
    # `sha256sum -c media.sha256` checks an unpacked archive by hand.
    expected = {f"media/{name}": digest for name, digest in backed_up.files.items()}
    assert dict(reversed(line.split("  ", 1)) for line in listing) == expected


def test_restore_refuses_a_non_empty_installation(backed_up, target):
    archive = backed_up.archive
    target.manage("restore", str(archive))
    (target.media / "new-upload").write_bytes(b"made after the restore")
    before = target.rows()
    result = target.manage("restore", str(archive), check=False)
    assert result.returncode == 1
    assert b"This installation is not empty" in result.stderr and b"--force" in result.stderr
    assert target.rows() == before
    assert (target.media / "new-upload").exists()


def test_restore_force_replaces_the_database_and_the_files(backed_up, target):
    archive = backed_up.archive
    target.manage("restore", str(archive))
    target.execute(
        "CREATE TABLE leftover (id integer)",
        "DELETE FROM tickets_ticket_tags",
        "UPDATE tickets_ticket SET subject = 'changed after the backup'",
    )
    (target.media / "stale").mkdir(parents=True)
    (target.media / "stale" / "old.bin").write_bytes(b"not in the backup")
    result = target.manage("restore", "--force", str(archive))
    assert result.returncode == 0
    assert target.rows() == backed_up.rows
    assert target.files() == backed_up.files


def test_a_damaged_archive_is_refused_and_nothing_changes(backed_up, target, tmp_path):
    archive = backed_up.archive
    data = bytearray(archive.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: len(data) // 3])
    for broken in (damaged, truncated):
        result = target.manage("restore", str(broken), check=False)
        assert result.returncode == 1
        assert b"The archive is damaged" in result.stderr or b"has no manifest" in result.stderr, result.stderr
    assert _table_count(target) == 0 and not target.files()


def test_a_file_changed_inside_the_archive_is_named(backed_up, target, tmp_path):
    archive = backed_up.archive
    changed = tmp_path / "changed.tar.gz"
    with tarfile.open(archive, "r:gz") as tar:
        victim = next(n for n in tar.getnames() if n.startswith("media/attachments/"))
    repack(archive, changed, lambda name, data: data + b"!" if name == victim else data)
    result = target.manage("restore", str(changed), check=False)
    assert result.returncode == 1
    assert f"{victim} does not match its checksum".encode() in result.stderr
    dump_changed = tmp_path / "dump.tar.gz"
    repack(
        archive,
        dump_changed,
        lambda name, data: data[:99] + bytes([data[99] ^ 1]) + data[100:] if name.startswith("database/") else data,
    )
    result = target.manage("restore", str(dump_changed), check=False)
    assert b"the database dump does not match its checksum" in result.stderr
    assert _table_count(target) == 0 and not target.files()


def test_an_archive_from_newer_code_is_refused(backed_up, target, tmp_path):
    archive = backed_up.archive

    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["tickets"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    future = tmp_path / "future.tar.gz"
    repack(archive, future, newer)
    result = target.manage("restore", str(future), check=False)
    assert result.returncode == 1
    assert b"newer version of the helpdesk" in result.stderr and b"tickets.9999_from_the_future" in result.stderr
    assert _table_count(target) == 0


def test_unsafe_paths_and_links_in_an_archive_are_refused(backed_up, target, tmp_path):
    archive = backed_up.archive
    escape = tmp_path / "escape.tar.gz"
    repack(
        archive,
        escape,
        lambda name, data: [("media/../../escaped", b"x"), (name, data)] if name == "media.sha256" else data,
    )
    result = target.manage("restore", str(escape), check=False)
    assert result.returncode == 1 and b"unsafe path" in result.stderr
    assert not (target.folder / "escaped").exists() and not target.files()


def test_an_archive_of_the_other_vendor_is_refused(backed_up, target, tmp_path):
    archive = backed_up.archive
    other = "sqlite" if backed_up.vendor == "postgresql" else "postgresql"

    def foreign(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    moved = tmp_path / "foreign.tar.gz"
    repack(archive, moved, foreign)
    result = target.manage("restore", str(moved), check=False)
    assert result.returncode == 1
    assert f"holds a {other} database; this installation uses {backed_up.vendor}".encode() in result.stderr


def test_backup_without_the_postgresql_client_says_what_to_install(backed_up, target, tmp_path):
    if backed_up.vendor != "postgresql":
        pytest.skip("SQLite needs no client program")
    result = target.manage("backup", "--output", str(tmp_path / "x.tar.gz"), check=False, env={"PATH": str(tmp_path)})
    assert result.returncode == 1
    assert b"pg_dump was not found: install PostgreSQL's client programs" in result.stderr
    assert not list(tmp_path.glob("x.tar.gz*"))  # no half-written archive left behind


def _table_count(installation: Installation) -> int:
    return len([name for name in installation.rows() if not name.startswith("(")])


def test_backup_refuses_to_write_into_the_media_folder(target):
    target.media.mkdir(parents=True)
    result = target.manage("backup", "--output", str(target.media / "backup.tar.gz"), check=False)
    assert result.returncode == 1 and b"outside the media folder" in result.stderr
    assert not list(target.media.iterdir())


def test_an_archive_older_than_the_code_is_restored_and_migrate_is_asked_for(backed_up, target, tmp_path):
    def older(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["tickets"].pop()
        return json.dumps(manifest).encode()

    old = tmp_path / "old.tar.gz"
    repack(backed_up.archive, old, older)
    result = target.manage("restore", str(old))
    assert b"The backup is older than this code: run manage.py migrate (1 migrations to apply)." in result.stdout


def test_restore_as_the_database_owner_who_is_not_a_superuser(backed_up, tmp_path):
    if backed_up.vendor != "postgresql":
        pytest.skip("PostgreSQL roles")
    owner = f"hd_backup_owner_{os.getpid()}"
    password = "owner-password-1234"  # noqa: S105 (a throwaway role of this test)
    admin = backed_up.server
    installation = Installation("postgresql", tmp_path / "owned", server={**admin, "user": owner, "password": password})
    (installation.folder / "var").mkdir(parents=True)
    postgres_admin(admin, f"CREATE ROLE {owner} LOGIN PASSWORD '{password}'")
    try:
        postgres_admin(admin, f'CREATE DATABASE "{installation.name}" OWNER {owner}')
        installation.manage("restore", str(backed_up.archive))
        installation.manage("restore", "--force", str(backed_up.archive))
        assert _table_count(installation) == len([t for t in backed_up.rows if not t.startswith("(")])
    finally:
        postgres_admin(admin, f'DROP DATABASE IF EXISTS "{installation.name}" WITH (FORCE)')
        postgres_admin(admin, f"DROP ROLE IF EXISTS {owner}")


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_restore_that_fails_midway_changes_nothing(backed_up, tmp_path):
    """pg_restore dies halfway through a truncated dump after the old tables were dropped and new ones
    made: the whole transaction rolls back (here on the test database itself)."""
    if backed_up.vendor != "postgresql":
        pytest.skip("PostgreSQL's transaction")
    from django.db import connection

    from helpdesk.backup import BackupError, database

    with tarfile.open(backed_up.archive, "r:gz") as tar:
        dump = tar.extractfile("database/postgresql.dump").read()
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(dump[: len(dump) * 2 // 3])
    tables = sorted(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        migrations = cursor.fetchone()[0]
    with pytest.raises(BackupError, match="nothing was changed"):
        database.restore(truncated, {}, replace=True)
    assert sorted(connection.introspection.table_names()) == tables
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        assert cursor.fetchone()[0] == migrations
