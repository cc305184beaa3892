"""Users are found by address through user_email_ci_unique (lower(email)), in any letter case: sign-in,
invitations, imports, single sign-on. `email__iexact` compared UPPER() and read the whole table."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db) -> User:
    user = User.objects.create_user(email="mina@example.test", password="a-long-pass-1", role=Role.AGENT)
    user.full_name = "Mina"
    user.save(update_fields=["full_name"])
    return user


def test_the_lookup_reads_the_lower_email_index_and_finds_any_letter_case(member):
    with CaptureQueriesContext(connection) as queries:
        assert User.objects.with_email("  MINA@Example.TEST ").get() == member
    sql = queries.captured_queries[0]["sql"]
    assert 'LOWER("helpdesk_user"."email") =' in sql and "UPPER(" not in sql
    assert not User.objects.with_email("").exists() and not User.objects.with_email(None).exists()


def test_signing_in_finds_the_account_in_any_letter_case_and_refuses_a_wrong_one(member):
    assert User.objects.get_by_natural_key("Mina@EXAMPLE.test") == member
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("")
    client = Client()
    assert client.login(username="MINA@example.test", password="a-long-pass-1")
    assert not Client().login(username="nobody@example.test", password="a-long-pass-1")
