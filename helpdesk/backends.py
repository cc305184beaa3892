"""The password backend (AUTHENTICATION_BACKENDS): Django's ModelBackend, with the read of the signed-in
user that starts every request compiled once per process (helpdesk.statements)."""

from django.contrib.auth import backends

from helpdesk.models import User
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet

# Sessions signed in before this backend existed name Django's; they are read as this one's
# (helpdesk.session_store), so nobody is signed out by the change.
DJANGO_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
MODEL_BACKEND = "helpdesk.backends.ModelBackend"

_USER = CompiledQuerySet(lambda user_id: User.objects.filter(pk=user_id)[:1], {"user_id": STAND_IN_ID})


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        """The active user of this id, else None, as Django's backend answers."""
        rows = _USER.fetch(user_id=user_id)
        return rows[0] if rows and self.user_can_authenticate(rows[0]) else None
