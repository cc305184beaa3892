"""Erasing a contact: their strings are nowhere in the database or the stored files afterwards, the
tickets' statistics are unchanged, the other contact's data is untouched, and only admins may do it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from customers.models import PrivacyAction
from helpdesk.exceptions import Conflict, NotAllowed
from helpdesk.models import NotificationLog
from tickets.models import Attachment, EventKind, InboundEmail, Message, SatisfactionRating, Ticket, TicketEvent
from tickets.privacy.erase import contact_erase

from .conftest import EMAIL, NAME, OTHER_EMAIL, OTHER_NAME, PHONE, contact_fresh

pytestmark = pytest.mark.django_db

# What only Zelda wrote or is: none of it may survive, in any letter case.
HER_STRINGS = (EMAIL, NAME, PHONE, "zelda", "quimby", "912 345 6789", "9123456789", "call me on", "Invoice 2026-114")


def database_rows_containing(*needles: str) -> dict[str, list[str]]:
    """Every row of every table, each column as text (PostgreSQL and SQLite alike), that holds a needle."""
    found: dict[str, list[str]] = {}
    lowered = [n.lower() for n in needles]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the catalog)
            for values in cursor.fetchall():
                row = " | ".join(str(value) for value in values if value is not None)
                text = row.lower()
                hits = [n for n in lowered if n in text]
                if hits:
                    found.setdefault(table, []).append(f"{hits}: {row[:300]}")
    return found


def stored_files_containing(needle: bytes) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return [str(p) for p in root.rglob("*") if p.is_file() and needle.lower() in p.read_bytes().lower()]


def _stats(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.priority,
        ticket.type,
        ticket.channel,
        ticket.team_id,
        ticket.organization_id,
        ticket.requester_id,
        ticket.created_at,
        ticket.first_responded_at,
        ticket.solved_at,
        ticket.first_response_due_at,
        ticket.resolution_due_at,
        ticket.sla_state,
        ticket.messages.count(),
        ticket.messages.filter(internal=True).count(),
    )


def test_the_setup_really_holds_her_data_everywhere(world):
    found = database_rows_containing(EMAIL, NAME)
    for table in (
        "customers_contact",
        "helpdesk_user",
        "tickets_ticket",
        "tickets_message",
        "tickets_inboundemail",
        "tickets_referral",
        "tickets_ticketevent",
        "tickets_satisfactionrating",
        "tickets_notificationlog",
        "knowledgebase_articlefeedback",
        "customers_historicalcontact",  # the audit trail (helpdesk.audit) has her too, until erased
        "helpdesk_historicaluser",
    ):
        assert table in found, table
    assert stored_files_containing(b"zelda")


def test_after_erasure_her_strings_are_in_no_table_and_no_stored_file(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact_erase(contact=world["zelda"], actor=world["admin"], confirm=EMAIL.upper())
    assert database_rows_containing(*HER_STRINGS) == {}
    assert stored_files_containing(b"zelda") == []


def test_the_other_contacts_data_stays(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact_erase(contact=world["zelda"], actor=world["admin"], confirm=EMAIL)
    otto = contact_fresh(world["otto"])
    assert (otto.full_name, otto.email) == (OTHER_NAME, OTHER_EMAIL)
    ottos = world["ottos"]
    ottos.refresh_from_db()
    assert ottos.subject == "Otto's printer" and ottos.anonymised_at is None
    assert EMAIL not in ottos.cc_emails and ottos.cc_emails  # her address left his copies, the others stay
    bodies = list(ottos.messages.order_by("pk").values_list("body_text", flat=True))
    assert "Otto's printer jams" in bodies[0]
    assert bodies[1] == "Copying [erased] as asked; Otto, try again."  # the agent's words stay, her name goes
    assert "otto" in ottos.search_document


def test_statistics_stay_and_each_of_her_tickets_gets_an_event(world, django_capture_on_commit_callbacks):
    mine = world["mine"]
    before = _stats(mine)
    score = SatisfactionRating.objects.get(ticket=mine).score
    with django_capture_on_commit_callbacks(execute=True):
        counts = contact_erase(contact=world["zelda"], actor=world["admin"], confirm=EMAIL)
    assert _stats(mine) == before
    rating = SatisfactionRating.objects.get(ticket=mine)
    assert (rating.score, rating.comment) == (score, "")
    assert mine.subject == "[erased]" and mine.anonymised_at is not None
    event = TicketEvent.objects.get(ticket=mine, kind=EventKind.ANONYMISED)
    assert event.actor == world["admin"] and event.data == {"reason": "erasure"}
    assert TicketEvent.objects.get(ticket=mine, field="rating").new_value == str(score)
    assert not Attachment.objects.filter(ticket=mine).exists()  # both were hers (the mail's and the portal's)
    assert set(InboundEmail.objects.filter(ticket=mine).values_list("raw", "sender")) == {("", "")}
    assert counts["tickets"] == 1 and counts["messages"] == 2 and counts["cc_removed"] == 1


def test_her_contact_and_login_are_anonymised_and_closed(world, django_capture_on_commit_callbacks, client):
    zelda = world["zelda"]
    with django_capture_on_commit_callbacks(execute=True):
        contact_erase(contact=zelda, actor=world["admin"], confirm=EMAIL)
    zelda = contact_fresh(zelda)
    assert zelda.email == f"erased-contact-{zelda.pk}@erased.invalid"
    assert (zelda.full_name, zelda.phone, zelda.phone_digits, zelda.notes) == ("", "", "", "")
    assert zelda.erased_at is not None and zelda.organization is not None
    user = zelda.user
    assert not user.is_active and not user.has_usable_password() and user.full_name == ""
    assert client.login(username=EMAIL, password="secret-pass-1") is False
    unsent = NotificationLog.objects.filter(recipient__icontains="erased", sent_at__isnull=True)
    assert not unsent.exists()  # nothing still goes to her


def test_the_erasure_is_recorded_without_personal_data(world):
    contact_erase(contact=world["zelda"], actor=world["admin"], confirm=EMAIL)
    action = PrivacyAction.objects.get()
    assert (action.kind, action.contact_ref, action.actor) == ("erase", world["zelda"].pk, world["admin"])
    assert action.summary["tickets"] == 1
    assert all(isinstance(v, int) for v in action.summary.values())


def test_a_wrong_confirmation_changes_nothing(world):
    with pytest.raises(ValidationError) as exc:
        contact_erase(contact=world["zelda"], actor=world["admin"], confirm="someone@else.test")
    assert "confirm" in exc.value.message_dict
    assert contact_fresh(world["zelda"]).full_name == NAME
    assert not PrivacyAction.objects.exists()


@pytest.mark.parametrize("persona", ["agent", "customer"])
def test_only_admins_may_erase(world, persona, request):
    actor = world["agent"] if persona == "agent" else world["zelda"].user
    with pytest.raises(NotAllowed):
        contact_erase(contact=world["zelda"], actor=actor, confirm=EMAIL)
    assert Message.objects.filter(body_text__contains=NAME).exists()


def test_erasing_twice_is_refused_and_changes_nothing_more(world):
    contact_erase(contact=world["zelda"], actor=world["admin"], confirm=EMAIL)
    erased = contact_fresh(world["zelda"])
    with pytest.raises(Conflict):
        contact_erase(contact=erased, actor=world["admin"], confirm=erased.email)
    assert PrivacyAction.objects.count() == 1
    assert TicketEvent.objects.filter(kind=EventKind.ANONYMISED).count() == 1


def test_a_contact_whose_login_is_staff_is_not_erased(world, agent):
    from customers.models import Contact

    staff = Contact.objects.create(email="staffer@privacy.test", full_name="Staff Er", user=agent)
    with pytest.raises(ValidationError):
        contact_erase(contact=staff, actor=world["admin"], confirm="staffer@privacy.test")
    agent.refresh_from_db()
    assert agent.is_active
