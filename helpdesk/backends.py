"""The password backend (AUTHENTICATION_BACKENDS): Django's ModelBackend, with the read of the signed-in
user that starts every request compiled once per process (helpdesk.statements)."""

from contextvars import ContextVar

from django.contrib.auth import backends

from helpdesk.models import User
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet

# Sessions signed in before this backend existed name Django's; they are read as this one's
# (helpdesk.session_store), so nobody is signed out by the change.
DJANGO_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
MODEL_BACKEND = "helpdesk.backends.ModelBackend"

_USER = CompiledQuerySet(lambda user_id: User.objects.filter(pk=user_id)[:1], {"user_id": STAND_IN_ID})

# The user the session just read names (helpdesk.session_store), for this request's get_user: set at
# each read of a session, taken once.
_READ_WITH_SESSION: ContextVar[User | None] = ContextVar("helpdesk_user_read_with_session", default=None)


def read_with_session(user: User | None) -> None:
    _READ_WITH_SESSION.set(user)


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        """The active user of this id, else None, as Django's backend answers: the row read with the
        session when it is this user's (no query), else read here."""
        user = _READ_WITH_SESSION.get()
        _READ_WITH_SESSION.set(None)
        if user is None or str(user.pk) != str(user_id):
            rows = _USER.fetch(user_id=user_id)
            user = rows[0] if rows else None
        return user if user is not None and self.user_can_authenticate(user) else None
