"""Finding a caller by number reads the contact_phone_key index (customers.models.PhoneKey): the key in
SQL is the one phone_number_key computes in Python, and every number the pattern matches shares it, so
the index narrows the search without changing what is found."""

import pytest
from django.db import connection

from customers import selectors, services
from customers.models import Contact
from customers.models.accounts import PhoneKey

pytestmark = pytest.mark.django_db

NUMBERS = ["0912 123 4567", "+98 912 123 4567", "0098 9121234567", "06 12 34 56 78", "612345678", "4567", "", "000"]


def test_the_key_in_sql_is_the_key_in_python():
    for number in NUMBERS:
        services.contact_create(full_name=f"Caller {number}", phone=number) if number else None
    stored = Contact.objects.annotate(key=PhoneKey("phone_digits")).values_list("phone_digits", "key")
    for digits, key in stored:
        assert key == selectors.phone_number_key(digits), digits


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("09121234567", "Reza"),  # national form finds the international one
        ("+989121234567", "Reza"),
        ("۰۹۱۲۱۲۳۴۵۶۷", "Reza"),
        ("612345678", "Claire"),  # a nine-digit national number, leading zero aside
        ("0612345678", "Claire"),
        ("+44 9121234567", None),  # another country code stays apart
        ("1234567", None),  # a number that only ends another
    ],
)
def test_finding_by_number_is_unchanged_by_the_key(typed, found):
    services.contact_create(full_name="Reza", phone="+98 912 123 4567")
    services.contact_create(full_name="Claire", phone="06 12 34 56 78")
    digits = "".join(ch for ch in selectors.normalize_text(typed) if ch.isascii() and ch.isdigit())
    contact = selectors.contact_with_number(digits=digits)
    assert (contact.full_name if contact else None) == found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
def test_on_postgresql_the_lookup_reads_the_index():
    for i in range(50):
        services.contact_create(full_name=f"Caller {i}", phone=f"0912 000 {i:04d}")
    qs = Contact.objects.alias(_phone_key=PhoneKey("phone_digits")).filter(_phone_key="9121234567")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "contact_phone_key" in plan
