"""Find or create by phone number (contact_get_or_create without an address, every channel's path): one
number however it is written, a name to keep people who share it apart, too short a number refused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from customers import rules, selectors, services
from customers.models import Contact

pytestmark = pytest.mark.django_db

TOO_SHORT = "This phone number is too short: a number needs at least 5 digits."


@pytest.mark.parametrize(
    "digits,key",
    [
        ("09121234567", "9121234567"),
        ("989121234567", "9121234567"),
        ("00989121234567", "9121234567"),
        ("02188881234", "2188881234"),
        ("14155550100", "4155550100"),
        ("12345", "12345"),
    ],
)
def test_a_numbers_key_drops_leading_zeros_and_a_country_code(digits, key):
    assert selectors.phone_number_key(digits) == key


@pytest.mark.parametrize(
    "typed", ["0912 123 4567", "۰۹۱۲ ۱۲۳ ۴۵۶۷", "+98 912 123 4567", "0098-912-123-4567", "(0912) 123-4567"]
)
def test_a_number_finds_its_contact_however_either_was_written(typed):
    stored = services.contact_create(full_name="Reza Karimi", phone="+98 912 123 4567")
    found, created = services.contact_get_or_create(email=None, phone=typed)
    assert (found, created) == (stored, False)


def test_a_contact_with_an_email_address_is_found_by_their_number_too():
    carla = services.contact_create(email="carla@acme.test", full_name="Carla", phone="021 8888 1234")
    found, created = services.contact_get_or_create(email="", phone="+98 21 8888 1234")
    assert (found, created) == (carla, False)


def test_with_a_name_only_that_person_among_those_sharing_the_number_is_found():
    reza = services.contact_create(full_name="Reza Karimi", phone="021 5555 0101")
    sara = services.contact_create(full_name="Sara Karimi", phone="021 5555 0101")
    assert services.contact_get_or_create(email=None, full_name="REZA KARIMI", phone="+98 21 5555 0101")[0] == reza
    # no name: the number is shared, so it names nobody (never whichever is newest): the ids to choose from
    with pytest.raises(ValidationError) as refused:
        services.contact_get_or_create(email=None, phone="021-55550101")
    assert f"{reza.pk}, {sara.pk}" in str(refused.value)
    brother, created = services.contact_get_or_create(email=None, full_name="Ali Karimi", phone="021 5555 0101")
    assert created and brother.email is None and brother.full_name == "Ali Karimi"


@pytest.mark.parametrize("other", ["0912 123 4568", "912 123 456", "123 4567", "0935 123 4567", "+44 912 123 4567"])
def test_a_number_never_finds_a_different_number_that_merely_ends_alike(other):
    services.contact_create(full_name="Reza", phone="+98 912 123 4567")
    found, created = services.contact_get_or_create(email=None, phone=other)
    assert created and found.phone == other


def test_an_unknown_number_makes_a_contact_without_an_address():
    contact, created = services.contact_get_or_create(email="", full_name="New caller", phone="۰۹۳۵ ۰۰۰ ۱۱۲۲")
    assert created
    assert (contact.email, contact.full_name, contact.phone_digits) == (None, "New caller", "09350001122")


@pytest.mark.parametrize("phone", ["1234", "0000 12", "n/a"])
def test_too_short_a_number_is_refused_on_the_phone_field(phone):
    with pytest.raises(ValidationError) as refused:
        services.contact_get_or_create(email=None, full_name="Someone", phone=phone)
    assert refused.value.message_dict == {"phone": [TOO_SHORT]}
    assert refused.value.error_dict["phone"][0].code == "phone_too_short"
    assert not Contact.objects.exists()


def test_with_an_address_the_number_is_only_stored_as_before():
    contact, created = services.contact_get_or_create(email="x@y.test", phone="12")
    assert created and contact.phone == "12"  # contact_create's rule: an address makes the contact


def test_the_refusal_reads_in_persian():
    with translation.override("fa"):
        message = rules.phone_number_error("12")
    assert message == "این شماره تلفن کوتاه است: شماره دست‌کم ۵ رقم لازم دارد."
    assert rules.phone_number_error("0912 1".replace(" ", "")) is not None  # leading zeros do not count
    assert rules.phone_number_error("12345") is None


def test_finding_by_number_is_one_query_however_many_contacts_there_are():
    for i in range(30):
        services.contact_create(full_name=f"Caller {i}", phone=f"0912 000 {i:04d}")
    with CaptureQueriesContext(connection) as queries:
        found, created = services.contact_get_or_create(email=None, phone="+98 912 000 0017")
    assert (found.full_name, created) == ("Caller 17", False)
    assert len(queries.captured_queries) == 1
