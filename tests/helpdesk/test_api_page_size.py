"""Every paginated API list reads `page_size` the same way: a whole number of at least 1, at most 200;
anything else is a 400 naming the parameter (some lists quietly used the default)."""

import pytest

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/contacts/", "/api/v1/audit-log/", "/api/v1/macros/", "/api/v1/tickets/", "/api/v1/calendars/"]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("value", ["-5", "0", "abc", "1.5"])
def test_a_page_size_that_is_not_a_whole_number_of_at_least_one_is_a_400(as_user, admin_user, url, value):
    response = as_user(admin_user).get(url, {"page_size": value})
    assert response.status_code == 400, (url, value, response.content)
    assert response.json()["errors"]["page_size"] == ["A whole number of at least 1."]


@pytest.mark.parametrize("url", LISTS)
def test_a_page_size_over_the_most_is_the_most(as_user, admin_user, url):
    assert as_user(admin_user).get(url, {"page_size": "100000"}).status_code == 200
