"""What every benchmark does first: Django set up as production runs it, DEBUG off (no per-query
logging), no HTTPS redirect and no static manifest in-process. Settings already in the environment win."""

import os


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-for-production-use-0123456789")
    os.environ.setdefault("HELPDESK_SSL_REDIRECT", "0")
    os.environ.setdefault("HELPDESK_STATIC_MANIFEST", "0")
    import django

    django.setup()
