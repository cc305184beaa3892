"""django-helpdesk from PyPI in a virtualenv of its own (its package is also called `helpdesk`), made
once per version and set of extra packages under /tmp. Shared by the import tests
(tests/tickets/imports/test_django_helpdesk.py) and the side-by-side benchmark (bench/peer.py)."""

import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DJANGO_HELPDESK_VERSION = "2.6.1"  # with Django 5.2 and psycopg2, pinned so the schema read is known
# One per interpreter (the one running this, its virtualenv's base): bench/peer.py runs both products
# on the interpreter it runs on, and two builds of the same Python can differ by a fifth in speed.
_BASE = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
_INTERPRETER = hashlib.sha256(f"{_BASE} {sys.version}".encode()).hexdigest()[:8]
VENV = Path(tempfile.gettempdir()) / f"hdimport-django-helpdesk-{DJANGO_HELPDESK_VERSION}-{_INTERPRETER}"
PACKAGES = (f"django-helpdesk=={DJANGO_HELPDESK_VERSION}", "psycopg2-binary==2.9.13")


class PackagesUnreachable(RuntimeError):
    """pip could not reach a package index (a test skips, a benchmark stops)."""


def _pip_install(packages: tuple[str, ...]) -> None:
    pip = subprocess.run(
        [str(VENV / "bin" / "pip"), "install", "-q", *packages], capture_output=True, text=True, timeout=600
    )
    if pip.returncode != 0:
        if "No matching distribution" in pip.stderr or "connection" in pip.stderr.lower():
            raise PackagesUnreachable(f"django-helpdesk cannot be installed: {pip.stderr[-300:]}")
        raise RuntimeError(pip.stderr)


def venv_python(extra: tuple[str, ...] = ()) -> Path:
    """The virtualenv's python, made once (a lock: xdist workers and a benchmark share it); `extra`
    packages (e.g. gunicorn) are added once each, marked by a file of their own."""
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{VENV}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (VENV / ".ready").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
            _pip_install(PACKAGES)
            (VENV / ".ready").touch()
        for package in extra:
            marker = VENV / f".ready-{package.replace('/', '_')}"
            if not marker.exists():
                _pip_install((package,))
                marker.touch()
    return VENV / "bin" / "python"
