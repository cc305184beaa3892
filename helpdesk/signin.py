"""Sign-in: the password check under its limits, for the login page, the admin login and the token login.

Only failures count, in three ways (the numbers are settings, see settings.py):
- per account and address: after HELPDESK_SIGNIN_ACCOUNT_ADDRESS_FAILURES failures in a window of
  HELPDESK_SIGNIN_WINDOW_SECONDS, that account is refused from that address for a window. The same
  account elsewhere, and other accounts at the same address (an office), are not affected.
- per address: after HELPDESK_SIGNIN_ADDRESS_FAILURES failures in a window (one machine guessing
  many accounts), the address is refused for a window.
- per account, from anywhere: after HELPDESK_SIGNIN_ACCOUNT_FREE_FAILURES failures in a row, each
  failure makes the next try wait a delay doubling from HELPDESK_SIGNIN_ACCOUNT_DELAY_SECONDS up to
  HELPDESK_SIGNIN_ACCOUNT_DELAY_MAX_SECONDS, one try at a time. Never a lock: failures from many
  addresses cost the owner a few minutes at most, and none at an address the owner signed in from
  in the last HELPDESK_SIGNIN_KNOWN_ADDRESS_DAYS days.
A success forgets the account's failures and takes that account's failures from that address off the
address's count (a typo put right is no attack). Waits are timestamps compared with `ratelimit.clock`;
cache expiry only tidies up. While the cache is unreachable (helpdesk.cache: reads miss, writes are
dropped, a warning is logged) nothing counts and sign-in works without its limits.
"""

import logging
import math

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import ratelimit
from .exceptions import TooManyAttempts
from .models import User

logger = logging.getLogger(__name__)

STREAK_SECONDS = 24 * 3600  # an account's run of failures is forgotten a day after the last one
TURN_SECONDS = 30  # a try that never finished (a killed process) holds the account's turn this long


def _refuse(wait: float) -> TooManyAttempts:
    seconds = ratelimit.retry_seconds(wait)
    detail = _("Too many failed sign-ins. Please try again in %(wait)s.") % {"wait": ratelimit.wait_text(seconds)}
    return TooManyAttempts(detail, retry_after=seconds)


def _account_delay(streak: int) -> float:
    """The wait after the `streak`-th failure in a row: none at first, then doubling up to the cap."""
    over = streak - settings.HELPDESK_SIGNIN_ACCOUNT_FREE_FAILURES
    if over < 0:
        return 0
    first = settings.HELPDESK_SIGNIN_ACCOUNT_DELAY_SECONDS
    return min(settings.HELPDESK_SIGNIN_ACCOUNT_DELAY_MAX_SECONDS, first * 2 ** min(over, 32))


def _set_until(key: str, until: float, seconds: float) -> None:
    cache.set(key, until, timeout=math.ceil(seconds) + 60)


class _Keys:
    """The cache keys of one try: hashed, so the cache holds no address or email."""

    def __init__(self, *, account: str, address: str) -> None:
        pair = ratelimit.cache_key("signin", "pair", f"{account} {address}")
        self.pair_failures, self.pair_lock = pair, f"{pair}:lock"
        at_address = ratelimit.cache_key("signin", "address", address)
        self.address_failures, self.address_lock = at_address, f"{at_address}:lock"
        for_account = ratelimit.cache_key("signin", "account", account)
        self.streak, self.until, self.turn = f"{for_account}:streak", f"{for_account}:until", f"{for_account}:turn"
        self.known = ratelimit.cache_key("signin", "known", f"{account} {address}")


def signin_attempt(*, request: HttpRequest, email: str, password: str) -> User | None:
    """The active user these credentials belong to, or None (a failure, counted). Raises TooManyAttempts,
    with the wait, without looking at the password while a limit holds."""
    now = ratelimit.clock()
    window = settings.HELPDESK_SIGNIN_WINDOW_SECONDS
    address = ratelimit.address_key(ratelimit.client_ip(request))
    keys = _Keys(account=email.strip().lower(), address=address)

    state = cache.get_many([keys.pair_lock, keys.address_lock, keys.until, keys.known])
    known = now - state.get(keys.known, -math.inf) < settings.HELPDESK_SIGNIN_KNOWN_ADDRESS_DAYS * 86400
    until = max(state.get(keys.pair_lock, 0), state.get(keys.address_lock, 0), 0 if known else state.get(keys.until, 0))
    if until > now:
        raise _refuse(until - now)

    # This try counts before its password is checked (and is given back if refused), so that tries
    # sent in parallel cannot all slip under a limit; past the free failures, one try at a time.
    streak = ratelimit.counter_add(keys.streak, timeout=STREAK_SECONDS)
    turn = False
    try:
        if streak > settings.HELPDESK_SIGNIN_ACCOUNT_FREE_FAILURES and not known:
            if not cache.add(keys.turn, 1, timeout=TURN_SECONDS):
                raise _refuse(settings.HELPDESK_SIGNIN_ACCOUNT_DELAY_SECONDS)  # a try for this account is running
            turn = True
            if (later := cache.get(keys.until, 0)) > now:
                raise _refuse(later - now)
        pair, _left = ratelimit.window_count(keys.pair_failures, window=window, now=now)
        at_address, _left = ratelimit.window_count(keys.address_failures, window=window, now=now)
        if (
            pair > settings.HELPDESK_SIGNIN_ACCOUNT_ADDRESS_FAILURES
            or at_address > settings.HELPDESK_SIGNIN_ADDRESS_FAILURES
        ):
            raise _refuse(window)  # a parallel try reached the limit first; its lock is being set

        user = authenticate(request, username=email, password=password)
        if user is not None and user.is_active:
            ratelimit.window_count(keys.pair_failures, window=window, now=now, add=-pair)
            ratelimit.window_count(keys.address_failures, window=window, now=now, add=-pair)
            cache.delete_many([keys.streak, keys.until])
            cache.set(keys.known, now, timeout=settings.HELPDESK_SIGNIN_KNOWN_ADDRESS_DAYS * 86400)
            return user

        cache.touch(keys.streak, STREAK_SECONDS)
        if pair >= settings.HELPDESK_SIGNIN_ACCOUNT_ADDRESS_FAILURES:
            _set_until(keys.pair_lock, now + window, window)
            logger.warning("Sign-in: an account refused at %s for %d s after %d failures", address, window, pair)
        if at_address >= settings.HELPDESK_SIGNIN_ADDRESS_FAILURES:
            _set_until(keys.address_lock, now + window, window)
            logger.warning("Sign-in: %s refused for %d s after %d failures", address, window, at_address)
        if delay := _account_delay(streak):
            _set_until(keys.until, now + delay, STREAK_SECONDS)
            logger.info("Sign-in: an account waits %d s after %d failures in a row", delay, streak)
        return None
    except TooManyAttempts:
        ratelimit.counter_add(keys.streak, -1, timeout=STREAK_SECONDS)  # a refused try is no failure
        raise
    finally:
        if turn:
            cache.delete(keys.turn)
