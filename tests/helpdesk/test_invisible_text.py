"""Bidi controls and invisible text in what people type: names, subjects, titles and token names lose
embedding, override and isolate controls (ZWNJ and ZWJ stay), and text that shows nothing is blank."""

import pytest
from django.core.exceptions import ValidationError

from customers import services as customer_services
from helpdesk import services as helpdesk_services
from helpdesk.text import clean_line, is_blank, without_format_chars
from knowledgebase import services as kb_services
from tests.factories import make_ticket
from tickets import services as ticket_services
from tickets.models import Ticket

RLO_NAME = "Bob \u202egnp.exe"
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_clean_line_drops_every_embedding_override_and_isolate_control_and_keeps_joiners():
    assert clean_line(RLO_NAME) == "Bob gnp.exe"
    assert clean_line(f"a{CONTROLS}b") == "ab"
    assert clean_line("\u200f\u200e  علی\u200cرضا \u200d ") == "علی\u200cرضا \u200d"
    assert clean_line("می\u200cخواهم") == "می\u200cخواهم"


@pytest.mark.parametrize(
    "text", ["", " ", "\u00a0", "\u200b", "\u202e", "\u200c", "\u200c\u200d", "\u0640\u0640", "\u064e"]
)
def test_text_that_shows_nothing_is_blank(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["a", "۱", "ب", "-", "؟", "\u200cب"])
def test_text_with_a_visible_character_is_not_blank(text):
    assert not is_blank(text)


def test_file_names_keep_joiners_and_lose_other_format_characters():
    assert without_format_chars("اسکرین\u200cشات\u200b\u202e.png\ufeff") == "اسکرین\u200cشات.png"


@pytest.mark.django_db
def test_contact_and_organization_names_lose_bidi_controls(agent):
    organization = customer_services.organization_create(name="\u2067Acme\u2069 Ltd")
    contact = customer_services.contact_create(email="bob@example.test", full_name=RLO_NAME, organization=organization)
    assert (contact.full_name, organization.name) == ("Bob gnp.exe", "Acme Ltd")
    customer_services.contact_update(contact=contact, data={"full_name": "\u202dمریم\u200cسادات"})
    contact.refresh_from_db()
    assert contact.full_name == "مریم\u200cسادات"


@pytest.mark.django_db
def test_a_login_renamed_and_a_token_named_lose_bidi_controls(agent):
    helpdesk_services.user_rename(user=agent, full_name=RLO_NAME)
    token, _key = helpdesk_services.api_token_create(user=agent, name="CI \u202ekcab")
    agent.refresh_from_db()
    assert (agent.full_name, token.name) == ("Bob gnp.exe", "CI kcab")
    with pytest.raises(ValidationError):
        helpdesk_services.api_token_create(user=agent, name="\u202e\u200b")


@pytest.mark.django_db
@pytest.mark.parametrize("subject", ["\u200b", "\u202e", "\u200c\u0640"])
def test_a_ticket_whose_subject_shows_nothing_is_refused(customer, subject):
    with pytest.raises(ValidationError) as refused:
        make_ticket(requester=customer.contact, actor=customer, subject=subject)
    assert "subject" in refused.value.message_dict
    assert not Ticket.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["\u200c", "\u0640\u0640\u0640", "\u200b \u200f"])
def test_a_message_that_shows_nothing_is_refused_on_open_and_on_reply(customer, body):
    with pytest.raises(ValidationError):
        make_ticket(requester=customer.contact, actor=customer, subject="Printer", body=body)
    ticket = make_ticket(requester=customer.contact, actor=customer, subject="Printer")
    with pytest.raises(ValidationError):
        ticket_services.ticket_reply(ticket=ticket, actor=customer, body=body)
    assert ticket.messages.count() == 1


@pytest.mark.django_db
def test_a_subject_loses_bidi_controls_when_opened_and_when_edited(customer, agent):
    ticket = make_ticket(requester=customer.contact, actor=customer, subject="Invoice \u202efdp.exe")
    assert ticket.subject == "Invoice fdp.exe"
    ticket_services.ticket_update(ticket=ticket, actor=agent, changes={"subject": "\u2066Refund\u2069"})
    ticket.refresh_from_db()
    assert ticket.subject == "Refund"
    with pytest.raises(ValidationError):
        ticket_services.ticket_update(ticket=ticket, actor=agent, changes={"subject": "\u202e\u200b"})


@pytest.mark.django_db
def test_an_article_title_loses_bidi_controls(agent):
    article = kb_services.article_create(author=agent, title="Reset \u202edrowssap", body="Steps.")
    assert article.title == "Reset drowssap"


def test_api_subject_of_only_invisible_characters_is_a_400(as_user, customer):
    response = as_user(customer).post("/api/v1/tickets/", {"subject": "\u200b", "body": "Help"}, format="json")
    assert response.status_code == 400 and "subject" in response.json().get("errors", response.json())


def test_portal_request_of_only_tatweel_is_refused_and_the_subject_kept(client, customer):
    client.force_login(customer)
    response = client.post(
        "/portal/requests/new/", {"subject": "Printer", "description": "\u0640\u0640", "impact": "slows"}
    )
    assert response.status_code == 400 and not Ticket.objects.exists()  # the form shown again
    assert 'value="Printer"' in response.content.decode()
