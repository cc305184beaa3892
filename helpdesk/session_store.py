"""Django's database session store (SESSION_ENGINE), its one read per request compiled once per
process (helpdesk.statements): every signed-in page starts with it."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from helpdesk.statements import STAND_IN_MOMENT, STAND_IN_TEXT, CompiledQuerySet

_SESSION = CompiledQuerySet(
    lambda session_key, now: Session.objects.filter(session_key=session_key, expire_date__gt=now)[:1],
    {"session_key": STAND_IN_TEXT, "now": STAND_IN_MOMENT},
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The unexpired session of this key, else None (and the key forgotten), as Django's store."""
        rows = _SESSION.fetch(session_key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return None
        return rows[0]
