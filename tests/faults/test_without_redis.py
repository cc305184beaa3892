"""Sign-in, presence and pages work while Redis is down; /healthz says what is degraded (issue #20,
"Without Redis"). The cache and the broker are a real Redis server of the test's own, killed."""

import logging

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from customers.models import Contact
from tests import factories

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-1"  # the factories' password


@pytest.fixture
def redis_down(redis_for_app):
    redis_for_app.kill()
    return redis_for_app


def test_login_page_signs_in_while_redis_is_down(redis_down, client, agent, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.post("/login/", {"username": agent.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/agent/").status_code == 200
    assert any("Cache unreachable" in record.getMessage() for record in caplog.records)


def test_login_page_refuses_a_wrong_password_normally_while_redis_is_down(redis_down, client, agent):
    response = client.post("/login/", {"username": agent.email, "password": "wrong-password-1"})
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_token_login_works_while_redis_is_down(redis_down, customer):
    response = APIClient().post("/api/v1/auth/token/", {"email": customer.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    me = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/auth/me/")
    assert me.status_code == 200


def test_presence_heartbeat_shows_nothing_and_pages_render_while_redis_is_down(
    redis_for_app, client, agent, other_agent, customer
):
    ticket = factories.make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    other_agent.teams.add(*agent.teams.all())
    client.force_login(other_agent)
    assert client.post(f"/agent/tickets/{ticket.pk}/presence/", {"state": "replying"}).status_code == 200
    redis_for_app.kill()

    client.force_login(agent)
    response = client.post(f"/agent/tickets/{ticket.pk}/presence/", {"state": "viewing"})
    assert response.status_code == 200
    assert "presence" not in response.content.decode()  # nobody shown: presence shows nothing
    assert client.get(f"/agent/tickets/{ticket.pk}/").status_code == 200
    assert client.get("/kb/search/?q=printer").status_code == 200


def test_healthz_answers_and_names_the_cache_when_only_the_cache_is_down(settings, redis_server, client):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "helpdesk.cache.RedisCache",
            "LOCATION": redis_server.url(1),
            "OPTIONS": dict(settings.HELPDESK_REDIS_CACHE_OPTIONS),
        },
    }
    assert client.get("/healthz").json()["degraded"] == {}
    redis_server.kill()
    cache.get("anything")  # the site notices first: the health check must still ask Redis itself

    response = client.get("/healthz")
    assert response.status_code == 200  # the site works without its cache
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["degraded"] == {"cache": "unavailable"}


def test_healthz_names_broker_and_cache_when_redis_is_down(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "ok", "broker": "unavailable"}
    assert body["degraded"] == {"cache": "unavailable"}
