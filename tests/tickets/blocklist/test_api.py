"""`/api/v1/blocked-senders/`: agents read, administrators write, customers find nothing; our own and
staff accounts' addresses are refused with a clear message; the list's queries do not grow with it."""

import pytest

from tickets.blocklist import services
from tickets.models import BlockedSender, Mailbox

pytestmark = pytest.mark.django_db
URL = "/api/v1/blocked-senders/"


def test_only_administrators_write_and_agents_read(as_user, agent, admin_user, customer):
    new = {"kind": "domain", "value": "Junk.Example", "note": "Bulk offers"}
    assert as_user(agent).post(URL, new, format="json").status_code == 403
    created = as_user(admin_user).post(URL, new, format="json")
    assert created.status_code == 201
    row = created.json()
    assert row["value"] == "junk.example" and row["kind"] == "domain" and row["stopped_count"] == 0
    assert row["created_by"]["email"] == admin_user.email
    pk = row["id"]

    assert [r["value"] for r in as_user(agent).get(URL).json()["results"]] == ["junk.example"]
    assert as_user(agent).get(f"{URL}{pk}/").status_code == 200
    assert as_user(agent).patch(f"{URL}{pk}/", {"note": "x"}, format="json").status_code == 403
    assert as_user(agent).delete(f"{URL}{pk}/").status_code == 403
    for call in (lambda c: c.get(URL), lambda c: c.get(f"{URL}{pk}/"), lambda c: c.post(URL, new, format="json")):
        assert call(as_user(customer)).status_code == 404
    assert as_user(None).get(URL).status_code in (401, 403)

    changed = as_user(admin_user).patch(f"{URL}{pk}/", {"note": "Unsolicited offers"}, format="json")
    assert changed.status_code == 200 and changed.json()["note"] == "Unsolicited offers"
    assert as_user(admin_user).delete(f"{URL}{pk}/").status_code == 204
    assert not BlockedSender.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value", "code_word"),
    [
        ("address", "SUPPORT@helpdesk.test", "own support addresses"),  # a mailbox
        ("domain", "helpdesk.test", "own support addresses"),  # the mailbox's domain
        ("address", "agent@test.example", "staff account"),
        ("domain", "test.example", "staff account"),  # covers the agent's and the admin's addresses
        ("address", "not an address", "Enter an email address"),
        ("domain", "no_domain", "Enter a domain"),
    ],
)
def test_refused_entries_say_why(as_user, admin_user, agent, mailbox, kind, value, code_word):
    answer = as_user(admin_user).post(URL, {"kind": kind, "value": value}, format="json")
    assert answer.status_code == 400
    assert code_word in " ".join(answer.json()["errors"]["value"])
    assert not BlockedSender.objects.exists()


def test_the_address_we_send_from_cannot_be_blocked(as_user, admin_user, settings):
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <noreply@desk.example>"
    answer = as_user(admin_user).post(URL, {"kind": "domain", "value": "desk.example"}, format="json")
    assert answer.status_code == 400 and "noreply@desk.example" in answer.json()["errors"]["value"][0]


def test_a_second_entry_for_the_same_sender_is_refused(as_user, admin_user):
    assert as_user(admin_user).post(URL, {"value": "a@junk.example"}, format="json").status_code == 201
    again = as_user(admin_user).post(URL, {"value": "A@JUNK.example"}, format="json")
    assert again.status_code == 400 and "already" in again.json()["errors"]["value"][0]


def test_the_list_runs_the_same_queries_whatever_its_length(as_user, agent, admin_user, django_assert_max_num_queries):
    Mailbox.objects.create(name="Support", address="support@helpdesk.test")
    client = as_user(agent)
    services.blocked_sender_create(actor=admin_user, value="one@junk.example")
    with django_assert_max_num_queries(3) as few:
        assert len(client.get(URL).json()["results"]) == 1
    for n in range(30):
        services.blocked_sender_create(actor=admin_user, kind="domain", value=f"spam{n}.example")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 31
