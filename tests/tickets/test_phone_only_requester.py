"""A requester known by phone only (no email address): nothing tries to mail them, while every
public reply is still stored on the ticket; the pages, search, API and privacy requests cope."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from customers import services as customer_services
from helpdesk.models import NotificationLog
from tickets import services, tasks
from tickets.models import SatisfactionSurvey, Status, Ticket
from tickets.notifications import CUSTOMER_TEMPLATES
from tickets.privacy.erase import contact_erase
from tickets.privacy.export import contact_export

pytestmark = pytest.mark.django_db


def customer_mail(ticket: Ticket):
    return NotificationLog.objects.filter(ticket_id=ticket.pk, template__in=CUSTOMER_TEMPLATES)


def test_no_mail_is_queued_for_a_phone_only_requester_on_reply_solve_and_survey(agent, caller, settings):
    settings.HELPDESK_SURVEY_DELAY_HOURS = 0
    ticket = services.ticket_open(actor=agent, requester=caller, subject="Router", body="It blinks.")
    services.ticket_reply(ticket=ticket, actor=agent, body="Unplug it for ten seconds.")
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(hours=1))

    assert tasks.survey_sweep.apply().get() == 0
    assert not SatisfactionSurvey.objects.filter(ticket=ticket).exists()
    assert not customer_mail(ticket).exists()
    assert not NotificationLog.objects.filter(recipient="").exists()
    assert ticket.messages.filter(internal=False, body_text__contains="Unplug it").exists()  # still recorded


def test_pages_that_list_the_contact_cope_without_an_address(agent_client, agent):
    nameless = customer_services.contact_create(phone="0912 999 8888")
    ticket = services.ticket_open(actor=agent, requester=nameless, subject="Nameless caller", body="Hi")
    listing = agent_client.get(reverse("agent:tickets"), {"view": "all"}).content.decode()
    contact_page = agent_client.get(reverse("agent:contact", args=[nameless.pk])).content.decode()
    assert "0912 999 8888" in listing and "Nameless caller" in listing
    assert "0912 999 8888" in contact_page and "mailto:None" not in contact_page
    assert ticket.search_document  # indexed with no address


def test_the_ticket_search_finds_a_phone_only_requester_by_phone(agent, caller, as_user):
    services.ticket_open(actor=agent, requester=caller, subject="Router", body="It blinks.")
    found = as_user(agent).get("/api/v1/tickets/", {"q": "09121234567"}).json()["results"]
    assert [row["requester"]["email"] for row in found] == [None]
    assert found[0]["requester"]["name"] == "Reza Karimi"


def test_the_privacy_export_of_a_phone_only_contact_works(agent, admin_user, caller):
    services.ticket_open(actor=agent, requester=caller, subject="Router", body="It blinks.")
    with contact_export(contact=caller, actor=admin_user) as out:
        archive = zipfile.ZipFile(io.BytesIO(out.read()))
    profile = json.loads(archive.read("contact.json"))
    assert (profile["email"], profile["phone"]) == (None, "0912 123 4567")
    assert len(json.loads(archive.read("tickets.json"))) == 1


def test_erasing_a_phone_only_contact_is_confirmed_by_their_phone_number(agent, admin_user, caller):
    ticket = services.ticket_open(actor=agent, requester=caller, subject="Router", body="Reza Karimi here.")
    with pytest.raises(ValidationError):
        contact_erase(contact=caller, actor=admin_user, confirm="")
    counts = contact_erase(contact=caller, actor=admin_user, confirm="۰۹۱۲ ۱۲۳ ۴۵۶۷")
    caller.refresh_from_db()
    assert counts["tickets"] == 1 and caller.erased_at is not None and caller.phone == ""
    assert Ticket.objects.get(pk=ticket.pk).anonymised_at is not None
