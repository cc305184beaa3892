"""Dumping and restoring the database: pg_dump/pg_restore/psql for PostgreSQL, the backup API for SQLite.

A PostgreSQL restore is one transaction: `pg_restore --file=-` turns the dump into SQL that streams into
`psql` between BEGIN (and the statements that empty the schema, when replacing) and a COMMIT sent only
once pg_restore has succeeded, so a restore that fails anywhere leaves the database as it was.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import IO, Any

from django.db import connection, connections
from django.db.backends.postgresql.client import DatabaseClient
from django.utils.translation import gettext as _

from helpdesk.backup.archive import CHUNK, BackupError

SUPPORTED = ("postgresql", "sqlite")
TOOL_TIMEOUT = 30

# Run inside the restore's transaction before the dump's own statements, when replacing a database.
WIPE_SQL = b"""
DO $wipe$ DECLARE r record; BEGIN
  FOR r IN SELECT format('DROP VIEW IF EXISTS %I.%I CASCADE', schemaname, viewname) AS s
           FROM pg_views WHERE schemaname = current_schema() LOOP EXECUTE r.s; END LOOP;
  FOR r IN SELECT format('DROP TABLE IF EXISTS %I.%I CASCADE', schemaname, tablename) AS s
           FROM pg_tables WHERE schemaname = current_schema() LOOP EXECUTE r.s; END LOOP;
  FOR r IN SELECT format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', schemaname, sequencename) AS s
           FROM pg_sequences WHERE schemaname = current_schema() LOOP EXECUTE r.s; END LOOP;
  -- the schema's own functions (the shared lists' trigger function, helpdesk.shared_lists), not an extension's
  FOR r IN SELECT format('DROP FUNCTION IF EXISTS %I.%I(%s) CASCADE', n.nspname, p.proname,
                         pg_get_function_identity_arguments(p.oid)) AS s
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = current_schema() AND p.prokind = 'f'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
    EXECUTE r.s; END LOOP;
END $wipe$;
"""


def vendor() -> str:
    if connection.vendor not in SUPPORTED:
        raise BackupError(_("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": connection.vendor})
    return connection.vendor


def table_count() -> int:
    """How many tables the database holds (0: an empty installation)."""
    return len(connection.introspection.table_names())


def dump(directory: Path) -> tuple[Path, dict[str, Any]]:
    """Dump the database into `directory`; the file and what the manifest says about it."""
    if vendor() == "postgresql":
        return _pg_dump(directory)
    return _sqlite_dump(directory)


def check_restorable(info: dict[str, Any]) -> None:
    """Refuse before anything changes when this installation cannot take the archive's database."""
    here = vendor()
    if info.get("vendor") != here:
        raise BackupError(
            _("The archive holds a %(archive)s database; this installation uses %(here)s.")
            % {"archive": info.get("vendor"), "here": here}
        )
    if here == "postgresql":
        _pg_check_restorable(info)


def restore(dump_path: Path, info: dict[str, Any], *, replace: bool) -> None:
    """Load the dump; with `replace`, whatever the database held goes in the same transaction."""
    connections.close_all()
    if vendor() == "postgresql":
        _pg_restore(dump_path, replace=replace)
    else:
        _sqlite_restore(dump_path)
    connections.close_all()


# --- PostgreSQL ---------------------------------------------------------------------------------------


def _pg_tool(name: str) -> tuple[str, int, str]:
    """The program's path, major version and version line; a clear error when it is missing or odd."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(tool)s was not found: install PostgreSQL's client programs (Debian: postgresql-client).")
            % {"tool": name}
        )
    command = [path, "--version"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=TOOL_TIMEOUT).stdout.strip()  # noqa: S603
    match = re.search(r"\)\s+(\d+)", output)
    if match is None:
        raise BackupError(_("Cannot tell the version of %(tool)s (%(output)r).") % {"tool": path, "output": output})
    return path, int(match.group(1)), output


def _pg_server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000  # type: ignore[attr-defined]  # PostgreSQL's connection only


def _pg_connection() -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for the configured database (never its session `options`: the
    site's statement timeout must not cut a dump or a restore short)."""
    settings_dict = connection.settings_dict
    _args, extra_env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    args = ["--no-password"]
    for flag, key in (("--username", "USER"), ("--host", "HOST"), ("--port", "PORT")):
        if settings_dict.get(key):
            args.append(f"{flag}={settings_dict[key]}")
    if settings_dict.get("NAME"):
        args.append(f"--dbname={settings_dict['NAME']}")
    env = {**os.environ, **(extra_env or {})}
    return args, env


def _pg_dump(directory: Path) -> tuple[Path, dict[str, Any]]:
    tool, major, version_line = _pg_tool("pg_dump")
    server = _pg_server_major()
    if major < server:
        raise BackupError(
            _(
                "pg_dump is version %(tool)s but the server is PostgreSQL %(server)s: install the client programs of version %(server)s or newer."
            )
            % {"tool": major, "server": server}
        )
    target = directory / "postgresql.dump"
    args, env = _pg_connection()
    # Uncompressed: the archive is compressed once, as a whole.
    command = [tool, "--format=custom", "--compress=0", f"--file={target}", *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 (our arguments)
    if result.returncode != 0:
        raise BackupError(_("pg_dump failed: %(error)s") % {"error": result.stderr.strip()})
    info = {
        "vendor": "postgresql",
        "format": "pg_dump custom",
        "server_major": server,
        "server_version": connection.pg_version,  # type: ignore[attr-defined]
        "tool": version_line,
        "tool_major": major,
    }
    return target, info


def _pg_check_restorable(info: dict[str, Any]) -> None:
    _pg_tool("psql")
    _tool, major, _line = _pg_tool("pg_restore")
    if major < int(info.get("tool_major", 0)):
        raise BackupError(
            _(
                "The archive was made by pg_dump %(archive)s; pg_restore here is version %(here)s: install the client programs of version %(archive)s or newer."
            )
            % {"archive": info.get("tool_major"), "here": major}
        )
    server = _pg_server_major()
    if server < int(info.get("server_major", 0)):
        raise BackupError(
            _(
                "The archive comes from PostgreSQL %(archive)s; this server is PostgreSQL %(here)s: restore into version %(archive)s or newer."
            )
            % {"archive": info.get("server_major"), "here": server}
        )


def _pg_restore(dump_path: Path, *, replace: bool) -> None:
    pg_restore, _major, _line = _pg_tool("pg_restore")
    psql, _major, _line = _pg_tool("psql")
    args, env = _pg_connection()
    to_sql = [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(dump_path)]
    load = [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-", *args]
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        source = subprocess.Popen(to_sql, stdout=subprocess.PIPE, stderr=restore_errors, env=env)  # noqa: S603
        sink = subprocess.Popen(load, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors, env=env)  # noqa: S603
        assert source.stdout is not None and sink.stdin is not None
        try:
            _pipe(source, sink.stdin, first=b"BEGIN;\n" + (WIPE_SQL if replace else b""))
        finally:
            source.stdout.close()
            if source.poll() is None and sink.poll() is not None:
                source.kill()  # psql stopped early (an error): nothing reads pg_restore's output any more
            source.wait()
            sink.wait()
        if sink.returncode != 0 or source.returncode not in (0, -9):
            errors = (_tail(psql_errors) or _tail(restore_errors)).strip()
            raise BackupError(_("The database restore failed; nothing was changed: %(error)s") % {"error": errors})


def _pipe(source: subprocess.Popen, sink: IO[bytes], *, first: bytes) -> None:
    """pg_restore's SQL into psql inside one transaction, committed only when pg_restore succeeded."""
    assert source.stdout is not None
    try:
        sink.write(first)
        while chunk := source.stdout.read(CHUNK):
            sink.write(chunk)
        sink.write(b"COMMIT;\n" if source.wait() == 0 else b"ROLLBACK;\n")
        sink.close()
    except BrokenPipeError:
        pass  # psql ended on an error; its exit status and messages say which


def _tail(file: IO[bytes], limit: int = 4000) -> str:
    file.seek(0, os.SEEK_END)
    file.seek(max(0, file.tell() - limit))
    return file.read().decode(errors="replace")


# --- SQLite -------------------------------------------------------------------------------------------


def _sqlite_dump(directory: Path) -> tuple[Path, dict[str, Any]]:
    target = directory / "sqlite.sqlite3"
    connection.ensure_connection()  # creates the file of a database nothing has used yet
    source = sqlite3.connect(_read_only_uri(Path(connection.settings_dict["NAME"])), uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # a consistent snapshot, page by page, while others may write
    finally:
        copy.close()
        source.close()
    return target, {"vendor": "sqlite", "format": "sqlite database", "sqlite_version": sqlite3.sqlite_version}


def _sqlite_restore(dump_path: Path) -> None:
    name = Path(connection.settings_dict["NAME"])
    name.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(_read_only_uri(dump_path), uri=True)
    target = sqlite3.connect(name)
    try:
        source.backup(target)  # replaces every page of the target in one step
    except sqlite3.Error as error:
        raise BackupError(_("The database restore failed: %(error)s") % {"error": error}) from error
    finally:
        target.close()
        source.close()


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"
