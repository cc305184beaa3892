"""Who has a ticket open right now: a heartbeat stored in the cache with a short time to live.

Not a source of truth (a lost entry only hides a warning for one heartbeat), so the cache is fine.
While the cache is unreachable (helpdesk.cache), nothing is stored and nobody else is shown.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache

from helpdesk.models import User

HEARTBEAT_SECONDS = 15
TTL_SECONDS = 40  # two missed heartbeats and the agent is gone
STATES = ("viewing", "replying")


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    state: str


def _key(ticket_id: int) -> str:
    return f"agent-presence:{ticket_id}"


def presence_touch(*, ticket_id: int, user: User, state: str, now: float | None = None) -> list[Presence]:
    """Record that `user` is viewing or replying to the ticket; return the *other* agents present."""
    now = time.time() if now is None else now
    state = state if state in STATES else "viewing"
    entries: dict = cache.get(_key(ticket_id)) or {}
    entries = {uid: entry for uid, entry in entries.items() if entry[2] > now}
    entries[user.pk] = (user.get_full_name(), state, now + TTL_SECONDS)
    cache.set(_key(ticket_id), entries, TTL_SECONDS)
    return [
        Presence(user_id=uid, name=name, state=entry_state)
        for uid, (name, entry_state, _expires) in sorted(entries.items())
        if uid != user.pk
    ]


def presence_leave(*, ticket_id: int, user: User) -> None:
    entries: dict = cache.get(_key(ticket_id)) or {}
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(ticket_id), entries, TTL_SECONDS)
