"""Django's createsuperuser, with the password rules applied to DJANGO_SUPERUSER_PASSWORD too (Django
checks only a password typed in): every account gets a password the validators accept (ASVS 2.1.1)."""

import os

from django.contrib.auth import password_validation
from django.contrib.auth.management.commands import createsuperuser
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from helpdesk.models import User


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password:
            email = options.get("email") or os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
            try:
                password_validation.validate_password(password, User(email=email))
            except ValidationError as exc:
                raise CommandError("DJANGO_SUPERUSER_PASSWORD: " + " ".join(exc.messages)) from exc
        return super().handle(*args, **options)
