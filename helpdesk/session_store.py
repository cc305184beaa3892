"""Django's database session store (SESSION_ENGINE), its one read per request compiled once per
process (helpdesk.statements): every signed-in page starts with it. A session signed in with Django's
password backend is read as signed in with ours (helpdesk.backends), which it extends."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from helpdesk.backends import DJANGO_MODEL_BACKEND, MODEL_BACKEND
from helpdesk.statements import STAND_IN_MOMENT, STAND_IN_TEXT, CompiledQuerySet

_SESSION = CompiledQuerySet(
    lambda session_key, now: Session.objects.filter(session_key=session_key, expire_date__gt=now)[:1],
    {"session_key": STAND_IN_TEXT, "now": STAND_IN_MOMENT},
)


class SessionStore(db.SessionStore):
    def load(self):
        data = super().load()
        if data.get(BACKEND_SESSION_KEY) == DJANGO_MODEL_BACKEND:  # signed in before helpdesk.backends
            data[BACKEND_SESSION_KEY] = MODEL_BACKEND
        return data

    def _get_session_from_db(self):
        """The unexpired session of this key, else None (and the key forgotten), as Django's store."""
        rows = _SESSION.fetch(session_key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return None
        return rows[0]
