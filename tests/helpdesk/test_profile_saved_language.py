"""The profile's "saved" message is said in the language just chosen, the one of the page it shows on."""

import pytest

pytestmark = pytest.mark.django_db

SAVED_EN = "Your preferences were saved."
SAVED_FA = "ترجیحات شما ذخیره شد."


def _save(client, user, *, before: str, after: str) -> str:
    user.language = before
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.post("/profile/", {"full_name": "Sam", "language": after, "time_zone": ""}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_switching_from_persian_to_english_says_saved_in_english(client, agent):
    page = _save(client, agent, before="fa", after="en")
    assert SAVED_EN in page
    assert SAVED_FA not in page


def test_switching_from_english_to_persian_says_saved_in_persian(client, agent):
    page = _save(client, agent, before="en", after="fa")
    assert SAVED_FA in page
    assert SAVED_EN not in page


def test_a_customer_switching_to_persian_is_told_in_persian(client, customer):
    page = _save(client, customer, before="en", after="fa")
    assert SAVED_FA in page
