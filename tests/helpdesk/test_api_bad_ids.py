"""Id filters of every list take only whole numbers the database can hold: anything else is a 400
naming the parameter, never the database's overflow error."""

import pytest

pytestmark = pytest.mark.django_db

ID_FILTERS = [
    "/api/v1/tickets/?team=",
    "/api/v1/tickets/?requester=",
    "/api/v1/tickets/?organization=",
    "/api/v1/tickets/?product=",
    "/api/v1/users/?teams=",
    "/api/v1/contacts/?organization=",
    "/api/v1/contracts/?organization=",
    "/api/v1/contracts/?contact=",
    "/api/v1/contracts/?product=",
    "/api/v1/sla-policies/?calendar=",
    "/api/v1/kb/articles/?category=",
    "/api/v1/kb/articles/?product=",
]
BAD = ["99999999999999999999999", "-99999999999999999999999", "9223372036854775808", "1.5", "abc"]


@pytest.mark.parametrize("url", ID_FILTERS)
def test_bad_ids_in_filters_are_a_400_naming_the_parameter(as_user, admin_user, url):
    client = as_user(admin_user)
    name = url.rsplit("?", 1)[1].rstrip("=")
    for value in BAD:
        response = client.get(url + value)
        assert response.status_code == 400, (url + value, response.status_code)
        assert name in response.json()["errors"], response.json()
    assert client.get(url + "1").status_code in (200, 400)  # a plain id is never a server error
