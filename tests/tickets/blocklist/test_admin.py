"""The blocked senders' admin: saved through the services, refusals shown as form errors, in en and fa."""

import pytest
from django.urls import reverse

from tickets.models import BlockedSender

pytestmark = pytest.mark.django_db
ADD = "admin:tickets_blockedsender_add"


def test_an_administrator_adds_an_entry_normalised_and_named_as_its_author(client, admin_user):
    client.force_login(admin_user)
    answer = client.post(reverse(ADD), {"kind": "domain", "value": "*.Spam.Example", "note": "offers"})
    assert answer.status_code == 302
    entry = BlockedSender.objects.get()
    assert (entry.kind, entry.value, entry.created_by) == ("domain", "spam.example", admin_user)


def test_an_agents_address_is_refused_with_a_clear_error(client, admin_user, agent):
    client.force_login(admin_user)
    answer = client.post(reverse(ADD), {"kind": "address", "value": agent.email.upper(), "note": ""})
    assert answer.status_code == 200
    assert "belongs to a staff account and cannot be blocked" in answer.content.decode()
    assert not BlockedSender.objects.exists()


def test_the_list_reads_in_persian(client, admin_user):
    BlockedSender.objects.create(kind="domain", value="xn--bcher-kva.example", created_by=admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("admin:tickets_blockedsender_changelist"), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "bücher.example" in page and "فرستنده" in page
