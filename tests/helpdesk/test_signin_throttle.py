"""Sign-in limits, on the login page and the token login alike (issue 13 and issue 21 side by side).

Only failures count: per (account, address) and per address, with a lock that says how long it lasts;
per account only a short growing delay, and never for an address the owner signed in from before.
The clock is the one thing moved by hand (`clock`): nobody waits fifteen minutes in a test.
"""

import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "secret-pass-1"
OFFICE = "203.0.113.10"
T0 = 1_900_000_800.0  # a whole hour (so a whole 15-minute window) of the Unix clock


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing is not what is tested here; the full-strength hasher would make 50 sign-ins take 10 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Clock:
    def __init__(self) -> None:
        self.now = T0 + 1

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The limiter's wall clock, moved by hand (`raising=False`: absent in code that has no clock)."""
    fake = Clock()
    monkeypatch.setattr("helpdesk.ratelimit.clock", fake, raising=False)
    return fake


@dataclass
class Channel:
    """One way to sign in: the login page or the token login, with what success and failure look like."""

    name: str
    ok: int
    wrong: int

    def attempt(self, email: str, password: str, *, address: str = OFFICE, **headers):
        if self.name == "page":
            data = {"username": email, "password": password}
            return Client().post("/login/", data, REMOTE_ADDR=address, **headers)
        data = {"email": email, "password": password}
        return APIClient().post("/api/v1/auth/token/", data, format="json", REMOTE_ADDR=address, **headers)

    def message(self, response) -> str:
        if self.name == "page":
            return response.content.decode()
        return response.json()["detail"]


PAGE = Channel("page", ok=302, wrong=200)
TOKEN = Channel("token", ok=200, wrong=400)


@pytest.fixture(params=[PAGE, TOKEN], ids=lambda channel: channel.name)
def channel(request):
    return request.param


def retry_after(response) -> int:
    assert response.status_code == 429, response.status_code
    return int(response["Retry-After"])


# --- issue 13: the throttle must not lock out correct passwords ------------------------------------


def test_fifty_successful_sign_ins_from_one_address_within_five_minutes_all_succeed(channel, clock, team):
    team_members = [factories.UserFactory(email=f"member{n}@test.example") for n in range(10)]
    statuses = []
    for _round in range(5):
        for member in team_members:
            statuses.append(channel.attempt(member.email, PASSWORD).status_code)
            clock.advance(5)  # 50 sign-ins in 250 seconds
    assert statuses == [channel.ok] * 50


def test_ten_failures_for_one_account_from_one_address_get_a_429_with_a_clear_wait(channel, agent, admin_user):
    statuses = [channel.attempt(agent.email, f"wrong-{n}").status_code for n in range(10)]
    assert statuses == [channel.wrong] * 10

    refused = channel.attempt(agent.email, PASSWORD)
    assert retry_after(refused) == 15 * 60
    message = channel.message(refused)
    assert "Too many failed sign-ins. Please try again in 15 minutes." in message
    assert "an hour" not in message and "a moment" not in message

    # Other accounts from the same office address still sign in.
    assert channel.attempt(admin_user.email, PASSWORD).status_code == channel.ok


def test_the_wait_is_said_in_persian_too(channel, agent):
    for n in range(10):
        channel.attempt(agent.email, f"wrong-{n}", HTTP_ACCEPT_LANGUAGE="fa")
    refused = channel.attempt(agent.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="fa")
    assert retry_after(refused) == 900
    assert "تعداد ورودهای ناموفق بیش از حد است. لطفاً ۱۵ دقیقه دیگر دوباره امتحان کنید." in channel.message(refused)


def test_the_lock_ends_when_the_wait_it_announced_is_over(channel, clock, agent):
    for n in range(10):
        channel.attempt(agent.email, f"wrong-{n}")
    wait = retry_after(channel.attempt(agent.email, PASSWORD))
    clock.advance(wait - 1)
    assert channel.attempt(agent.email, PASSWORD).status_code == 429
    clock.advance(1)
    assert channel.attempt(agent.email, PASSWORD).status_code == channel.ok


def test_a_successful_sign_in_clears_the_failures_of_that_account_from_that_address(channel, agent):
    for n in range(9):
        assert channel.attempt(agent.email, f"wrong-{n}").status_code == channel.wrong
    assert channel.attempt(agent.email, PASSWORD).status_code == channel.ok
    for n in range(9):
        assert channel.attempt(agent.email, f"wrong-again-{n}").status_code == channel.wrong
    assert channel.attempt(agent.email, PASSWORD).status_code == channel.ok


def test_a_team_that_mistypes_at_shift_start_is_not_locked_out(channel, settings):
    """More people than the address allows failures each mistype once behind one office address, then
    sign in: no one is refused (a typo put right does not count against the address)."""
    settings.HELPDESK_SIGNIN_ADDRESS_FAILURES = 5
    people = [factories.UserFactory(email=f"shift{n}@test.example") for n in range(8)]
    for person in people:
        assert channel.attempt(person.email, "typo").status_code == channel.wrong
        assert channel.attempt(person.email, PASSWORD).status_code == channel.ok


def test_the_admin_login_is_under_the_same_limits(admin_user):
    """Django's own /admin/login/ checks passwords too: it must not be a way around the limits."""
    signed_in = Client().post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    for n in range(10):
        Client().post("/admin/login/", {"username": admin_user.email, "password": f"wrong-{n}"}, REMOTE_ADDR=OFFICE)
    refused = Client().post("/admin/login/", {"username": admin_user.email, "password": PASSWORD}, REMOTE_ADDR=OFFICE)
    assert refused.status_code != 302
    assert "Too many failed sign-ins. Please try again in 15 minutes." in refused.content.decode()


# --- issue 21: brute force and lock-out attacks --------------------------------------------------


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_new_x_forwarded_for_on_every_try_does_not_evade_the_token_login_limit(api, agent, settings, proxies):
    """The reported attack: 60 wrong passwords, each with a new X-Forwarded-For, then the right one."""
    settings.HELPDESK_TRUSTED_PROXIES = proxies
    settings.HELPDESK_BEHIND_PROXY = bool(proxies)
    # Without a proxy the attacker connects directly; with one, the proxy appends the real address.
    real = {"REMOTE_ADDR": OFFICE} if proxies == 0 else {"REMOTE_ADDR": "10.0.0.2"}
    statuses = []
    for n in range(60):
        forwarded = f"198.51.{n}.7" if proxies == 0 else f"198.51.{n}.7, {OFFICE}"
        response = api.post(
            "/api/v1/auth/token/",
            {"email": agent.email, "password": f"wrong-{n}"},
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded,
            **real,
        )
        statuses.append(response.status_code)
    assert statuses == [400] * 10 + [429] * 50
    right = api.post(
        "/api/v1/auth/token/",
        {"email": agent.email, "password": PASSWORD},
        format="json",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
        **real,
    )
    assert right.status_code == 429 and "token" not in right.json()
    assert right.json()["code"] == "throttled"


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(0, "10.0.0.1"), (1, "10.0.0.7"), (2, "6.6.6.6")],
)
def test_only_the_hops_the_configured_proxies_added_are_trusted(rf, settings, proxies, expected):
    from helpdesk.ratelimit import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 6.6.6.6, 10.0.0.7", REMOTE_ADDR="10.0.0.1")
    settings.HELPDESK_TRUSTED_PROXIES = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    assert client_ip(request) == expected
    # DRF's throttles (if any view uses one) see the same client.
    assert SimpleRateThrottle.get_ident(SimpleRateThrottle.__new__(SimpleRateThrottle), request) == expected


def test_drf_trusts_as_many_proxies_as_the_helpdesk_does():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.HELPDESK_TRUSTED_PROXIES


def test_behind_the_load_balancer_one_proxy_is_trusted_unless_configured_otherwise(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))}
    env.update({"DJANGO_DEBUG": "1", "HELPDESK_VAR_DIR": str(tmp_path), "HELPDESK_BEHIND_PROXY": "1"})
    show = "from django.conf import settings as s; print(s.HELPDESK_TRUSTED_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["1", "1"], result.stdout + result.stderr


def test_without_a_proxy_a_forwarded_header_is_ignored(rf, settings):
    from helpdesk.ratelimit import client_ip

    settings.HELPDESK_TRUSTED_PROXIES = 0
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def _fail_from_many_addresses(channel, clock, email: str, count: int) -> list[int]:
    """`count` wrong passwords, each from a new address; waits out any delay so each one is checked."""
    waits = []
    for n in range(count):
        response = channel.attempt(email, f"wrong-{n}", address=f"198.51.100.{n + 1}")
        if response.status_code == 429:
            waits.append(retry_after(response))
            clock.advance(waits[-1])
            response = channel.attempt(email, f"wrong-{n}", address=f"198.51.100.{n + 1}")
        assert response.status_code == channel.wrong
    return waits


def test_twenty_failures_from_twenty_addresses_do_not_lock_the_owner_out(channel, clock, agent):
    _fail_from_many_addresses(channel, clock, agent.email, 20)

    owner = channel.attempt(agent.email, PASSWORD, address="192.0.2.21")
    if owner.status_code == 429:
        wait = retry_after(owner)
        assert wait <= 5 * 60  # a short delay, never the hour of the old lock
        assert "minute" in channel.message(owner) or "second" in channel.message(owner)
        clock.advance(wait)
        owner = channel.attempt(agent.email, PASSWORD, address="192.0.2.21")
    assert owner.status_code == channel.ok


def test_the_owner_is_not_even_delayed_at_an_address_they_signed_in_from_before(channel, clock, agent):
    assert channel.attempt(agent.email, PASSWORD, address="192.0.2.50").status_code == channel.ok
    _fail_from_many_addresses(channel, clock, agent.email, 20)
    assert channel.attempt(agent.email, PASSWORD, address="192.0.2.50").status_code == channel.ok


def test_the_account_delay_grows_and_is_capped_at_five_minutes(clock, agent):
    waits = _fail_from_many_addresses(PAGE, clock, agent.email, 40)
    assert waits == sorted(waits)
    assert waits[0] <= 10
    assert max(waits) == 300
    # A guessing attacker on new addresses gets one try per five minutes at most, not one per address.
    assert sum(waits) >= 300 * (len(waits) - 8)


def test_failures_from_one_address_across_many_accounts_are_capped(channel, clock, agent):
    for n in range(50):
        assert channel.attempt(f"guess{n}@test.example", "password1").status_code == channel.wrong
    refused = channel.attempt(agent.email, PASSWORD)
    assert retry_after(refused) == 900
    # The rest of the world is not affected.
    assert channel.attempt(agent.email, PASSWORD, address="192.0.2.1").status_code == channel.ok


def test_an_unknown_account_is_limited_like_a_real_one(channel):
    """The answers must not tell which addresses have an account."""
    statuses = [channel.attempt("nobody@test.example", f"wrong-{n}").status_code for n in range(11)]
    assert statuses == [channel.wrong] * 10 + [429]


def test_ipv6_addresses_of_one_network_share_the_address_limit(channel, agent):
    for n in range(10):
        channel.attempt(agent.email, f"wrong-{n}", address=f"2001:db8:1:2::{n + 1:x}")
    # One machine holds a whole /64: another address in it is the same client...
    assert retry_after(channel.attempt(agent.email, PASSWORD, address="2001:db8:1:2::ffff")) == 900
    # ...while another network meets at most the short account delay.
    elsewhere = channel.attempt(agent.email, PASSWORD, address="2001:db8:1:3::1")
    assert elsewhere.status_code == channel.ok or retry_after(elsewhere) <= 10


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not django_settings.REDIS_URL, reason="the file cache of the embedded setup counts without atomicity"
)
@pytest.mark.parametrize("spread", ["one address", "many addresses"])
def test_parallel_tries_do_not_slip_under_the_limits(live_server, settings, spread):
    """Thirty wrong passwords sent at once over real sockets, through a trusted proxy: at most the free
    failures (10) plus the one try the account allows at a time reach the password check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # slow: a wide race
    settings.HELPDESK_TRUSTED_PROXIES = 1
    victim = factories.UserFactory(email="victim@test.example")

    def try_once(n: int) -> int:
        forwarded = OFFICE if spread == "one address" else f"198.51.100.{n + 1}"
        response = requests.post(
            f"{live_server.url}/api/v1/auth/token/",
            json={"email": victim.email, "password": f"wrong-{n}"},
            headers={"X-Forwarded-For": forwarded},
            timeout=60,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(try_once, range(30)))
    assert set(statuses) <= {400, 429}
    assert 1 <= statuses.count(400) <= 11, statuses


# --- the other limits (sign-up, reset, links) say how long too ------------------------------------


def test_the_generic_limit_page_says_exactly_how_long_to_wait(client, clock, customer, mailoutbox):
    clock.advance(20 * 60)
    codes = [client.post("/account/password-reset/", {"email": customer.email}).status_code for _ in range(11)]
    assert codes[:10] == [302] * 10
    refused = client.post("/account/password-reset/", {"email": customer.email})
    wait = retry_after(refused)
    assert wait == 40 * 60 - 1
    html = refused.content.decode()
    assert f"Please try again in {math.ceil(wait / 60)} minutes." in html
    assert "an hour" not in html
