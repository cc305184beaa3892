"""Django's database session store (SESSION_ENGINE), its one read per request compiled once per
process (helpdesk.statements): every signed-in page starts with it. A session signed in with Django's
password backend is read as signed in with ours (helpdesk.backends), which it extends.

The read brings the session's user along: the signed-in sessions' rows (helpdesk.UserSession, written
at every sign-in) name the user of each session key, so the same statement joins that user's row and
the password backend's get_user takes it instead of a query of its own (helpdesk.backends). The
session's own data still decides who is signed in: with a row naming someone else, or none, the
backend reads the user as before.
"""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils import timezone

from helpdesk import shared_lists
from helpdesk.backends import DJANGO_MODEL_BACKEND, MODEL_BACKEND, read_with_session
from helpdesk.json_rows import instance, row_json, table
from helpdesk.models import SharedListsVersion, User, UserSession
from helpdesk.statements import STAND_IN_MOMENT, STAND_IN_TEXT, Compiled


def _statement(session_key: str, now) -> tuple[str, str, list]:
    """The unexpired session of the key, and the user its signed-in row names (NULL when none): each
    a row as JSON (helpdesk.json_rows); and the version of the shared lists (helpdesk.shared_lists).
    Names from model metadata; the key and the moment parameters."""
    user = f"CASE WHEN u.id IS NULL THEN NULL ELSE {row_json(User, 'u')} END"
    version = f"(SELECT v.value FROM {table(SharedListsVersion)} v WHERE v.id = 1)"  # noqa: S608
    sql = (
        f"SELECT {row_json(Session, 's')}, {user}, {version} FROM {table(Session)} s "  # noqa: S608
        f"LEFT JOIN {table(UserSession)} us ON us.session_key = s.session_key "
        f"LEFT JOIN {table(User)} u ON u.id = us.user_id "
        "WHERE s.session_key = %s AND s.expire_date > %s"
    )
    return DEFAULT_DB_ALIAS, sql, [session_key, connection.ops.adapt_datetimefield_value(now)]


_SESSION = Compiled(_statement, {"session_key": STAND_IN_TEXT, "now": STAND_IN_MOMENT})


class SessionStore(db.SessionStore):
    def load(self):
        data = super().load()
        if data.get(BACKEND_SESSION_KEY) == DJANGO_MODEL_BACKEND:  # signed in before helpdesk.backends
            data[BACKEND_SESSION_KEY] = MODEL_BACKEND
        return data

    def _get_session_from_db(self):
        """The unexpired session of this key, else None (and the key forgotten), as Django's store."""
        rows = _SESSION.rows(session_key=self.session_key, now=timezone.now())
        session, user, version = rows[0] if rows else (None, None, None)
        user = instance(User, user) if user else None
        shared_lists.remember_version(user, version)
        read_with_session(user)
        if session is None:
            self._session_key = None
            return None
        return instance(Session, session)
