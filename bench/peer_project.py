"""The django-helpdesk side of bench/peer.py: a minimal Django project for django-helpdesk 2.6.1 (its
virtualenv from bench/peer_venv.py), written to /tmp, migrated into a PostgreSQL database of its own.
DEBUG off, as it would run in production; its database comes from PEER_DATABASE_URL."""

import os
import subprocess
import tempfile
from importlib.metadata import version
from pathlib import Path

from bench.peer_venv import VENV, venv_python

PROJECT = Path(tempfile.gettempdir()) / "peer-bench-django-helpdesk"

SETTINGS = '''"""django-helpdesk 2.6.1 as a site would run it (written by bench/peer_project.py)."""
import os
from urllib.parse import urlsplit

_url = urlsplit(os.environ["PEER_DATABASE_URL"])
SECRET_KEY = "peer-benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
SITE_ID = 1
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
ROOT_URLCONF = "peer_urls"
WSGI_APPLICATION = "peer_wsgi.application"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _url.path.lstrip("/"),
        "USER": _url.username or "",
        "PASSWORD": _url.password or "",
        "HOST": _url.hostname or "",
        "PORT": str(_url.port or 5432),
        "CONN_MAX_AGE": 600,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
STATIC_URL = "/static/"
LOGIN_URL = "/helpdesk/login/"
LOGIN_REDIRECT_URL = "/helpdesk/"
HELPDESK_TEAMS_MODE_ENABLED = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
'''

URLS = """from django.urls import include, path

urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
"""

WSGI = """import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
"""


def peer_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    return {
        **env,
        "PYTHONWARNINGS": "ignore::RuntimeWarning",  # its dashboard warns of a naive datetime on each view
        "PEER_DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "peer_settings",
        "PYTHONPATH": str(PROJECT),
    }


def build(database_url: str) -> Path:
    """The virtualenv (with the gunicorn version we run under), the project files, and the migrated schema."""
    python = venv_python((f"gunicorn=={version('gunicorn')}",))
    PROJECT.mkdir(parents=True, exist_ok=True)
    for name, text in (("peer_settings.py", SETTINGS), ("peer_urls.py", URLS), ("peer_wsgi.py", WSGI)):
        (PROJECT / name).write_text(text)
    subprocess.run([str(python), "-m", "django", "migrate", "-v0"], cwd=PROJECT, env=peer_env(database_url), check=True)
    return python


def gunicorn_command() -> list[str]:
    return [str(VENV / "bin" / "gunicorn"), "peer_wsgi", "--chdir", str(PROJECT)]
