"""Every API route answers OPTIONS and HEAD without a server error, for each kind of user."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import make_ticket
from tests.tickets.conftest import contact_of

pytestmark = pytest.mark.django_db


def _api_paths(patterns=None, prefix: str = "") -> list[str]:
    paths = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += _api_paths(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
            paths.append("/" + re.sub(r"<(?:int:)?\w+>", "1", route).lstrip("^").rstrip("$"))
    return sorted(set(paths))


def test_the_route_list_is_not_empty():
    paths = _api_paths()
    assert "/api/v1/tickets/" in paths and "/api/v1/webhooks/1/ping/" in paths


@pytest.mark.parametrize("persona", ["admin_user", "agent", "customer", None])
def test_options_and_head_never_fail_on_the_server(request, as_user, api, persona, customer):
    make_ticket(requester=contact_of(customer))  # so that id 1 exists somewhere, as well as ids that do not
    client = as_user(request.getfixturevalue(persona)) if persona else api
    failures = []
    for path in _api_paths():
        for method in ("options", "head"):
            status = getattr(client, method)(path).status_code
            if status >= 500:
                failures.append((method, path, status))
    assert failures == []
