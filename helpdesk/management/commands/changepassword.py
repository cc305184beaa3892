"""Django's changepassword (it checks the password rules), then the person's API tokens are revoked, as
on every other way a password changes (helpdesk.services.user_set_password)."""

import getpass

from django.contrib.auth.management.commands import changepassword

from helpdesk import services
from helpdesk.models import User


class Command(changepassword.Command):
    def handle(self, *args, **options):
        result = super().handle(*args, **options)
        email = options["username"] or getpass.getuser()
        user = User.objects.using(options["database"]).get(email=email)
        services.api_tokens_revoke_all(user=user)
        return result
