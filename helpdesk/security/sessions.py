"""Signed-in sessions a person can see and end (helpdesk.UserSession beside Django's session store).

A row is written when someone signs in (Django's `user_logged_in`, connected in helpdesk.apps) and
kept up to date by SessionActivityMiddleware at most every HELPDESK_SESSION_SEEN_MINUTES: the session
remembers when and under which key it was last recorded, so a request costs no query in between.
Ending a session deletes it from the session store, so that browser is signed out on its next request.
"""

import ipaddress
import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from helpdesk import ratelimit
from helpdesk.models import User, UserSession

SEEN_KEY = "helpdesk_seen"  # [session key when recorded, unix time]


def _address(request: HttpRequest) -> str | None:
    try:
        return str(ipaddress.ip_address(ratelimit.client_ip(request)))
    except ValueError:
        return None


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_record(*, request: HttpRequest, user: User) -> None:
    """Write this request's session for `user` (at sign-in, or when due): browser, address, last seen.
    A key changed since the last record (a new key after two-factor or a password change) moves the row."""
    session = request.session
    if session.session_key is None:
        session.save()
    key = session.session_key
    previous = (session.get(SEEN_KEY) or [None])[0]
    values = {
        "user": user,
        "session_key": key,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        "ip_address": _address(request),
        "last_seen_at": timezone.now(),
    }
    moved = (
        previous and previous != key and UserSession.objects.filter(session_key=previous, user=user).update(**values)
    )
    if not moved:
        UserSession.objects.update_or_create(session_key=key, defaults=values)
    session[SEEN_KEY] = [key, time.time()]


def session_touch(*, request: HttpRequest) -> None:
    """Record a signed-in request's session when its last record is older than the setting (else nothing)."""
    user = request.user
    if not user.is_authenticated or not hasattr(request, "session") or request.session.session_key is None:
        return
    key, seen = request.session.get(SEEN_KEY) or [None, 0]
    if key != request.session.session_key or time.time() - seen >= settings.HELPDESK_SESSION_SEEN_MINUTES * 60:
        session_record(request=request, user=user)


def session_forget(*, session_key: str | None) -> None:
    """A session signed out: its row goes."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def session_list_for(*, user: User) -> QuerySet[UserSession]:
    """The user's own sessions still alive (seen within the session lifetime), most recent first."""
    if not user.is_authenticated:
        return UserSession.objects.none()
    alive_since = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return UserSession.objects.filter(user=user, last_seen_at__gte=alive_since)


def session_get_for(*, user: User, session_id: int) -> UserSession:
    """One of the user's own sessions; 404 for anyone else's."""
    if not 0 < session_id < 2**63:
        raise Http404
    return get_object_or_404(UserSession.objects.filter(user=user), pk=session_id)


def session_end(*, session: UserSession) -> None:
    """Sign that browser out: its session is deleted from the store, and its row."""
    _store()().delete(session.session_key)
    session.delete()


def sessions_end_others(*, user: User, current_key: str | None) -> int:
    """Sign out every other browser of `user`; returns how many sessions ended."""
    others = list(UserSession.objects.filter(user=user).exclude(session_key=current_key or ""))
    store = _store()()
    for session in others:
        store.delete(session.session_key)
    UserSession.objects.filter(pk__in=[s.pk for s in others]).delete()
    return len(others)
