"""A customer an agent brings in (a logged call, a new ticket, the API) is written to in their language:
the one the agent picks for a new contact, else Persian when the name, subject or message is written in
it. Text an agent writes in English decides nothing, so the customer's own first mail still can."""

import pytest
from django.urls import reverse

from customers.models import Contact
from tests.tickets.conftest import make_mail
from tests.tickets.test_mail_language import _assert_english, _assert_persian, _send_all
from tickets.email.ingest import email_ingest
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _call(agent_client, **fields) -> Ticket:
    data = {"direction": "inbound", "duration": "4", "notes": "Spoke to them.", "priority": "normal", **fields}
    response = agent_client.post(reverse("agent:call-new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Ticket.objects.latest("id")


def test_a_caller_with_a_persian_name_gets_persian_mail_from_an_english_agent(agent_client, mailoutbox):
    ticket = _call(
        agent_client,
        email="maryam@example.ir",
        full_name="مریم تست",
        subject="Printer",
        public_message="We are on it.",
    )
    assert Contact.objects.get(email="maryam@example.ir").language == "fa"
    mails = _send_all(mailoutbox, to="maryam@example.ir")
    assert mails and ticket.messages.filter(internal=False).exists()
    # the acknowledgement (Persian from its first line) and the agent's English public message, whose
    # plain text keeps its own left-to-right start (no right-to-left mark before it)
    assert len(mails) == 2
    for mail in mails:
        _assert_persian(mail, opens_with="We are on it." if "We are on it." in mail.body else "")


def test_the_language_the_agent_picks_for_a_new_caller_wins(agent_client, mailoutbox):
    _call(agent_client, email="ali@example.ir", full_name="Ali Rezaei", subject="Printer", language="fa")
    assert Contact.objects.get(email="ali@example.ir").language == "fa"
    for mail in _send_all(mailoutbox, to="ali@example.ir"):
        _assert_persian(mail)


def test_the_new_ticket_form_offers_the_language_and_a_persian_subject_decides(agent_client, mailoutbox):
    page = agent_client.get(reverse("agent:ticket-new")).content.decode()
    assert 'name="language"' in page and "From what is written" in page
    response = agent_client.post(
        reverse("agent:ticket-new"),
        {
            "email": "sara@example.ir",
            "full_name": "Sara",
            "subject": "ورود به سامانه ممکن نیست",
            "body": "Customer cannot sign in.",
            "channel": "agent",
            "priority": "normal",
            "type": "question",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Contact.objects.get(email="sara@example.ir").language == "fa"
    [ack] = _send_all(mailoutbox, to="sara@example.ir")
    _assert_persian(ack)


def test_english_written_by_an_agent_leaves_the_choice_to_the_customers_own_first_mail(
    agent_client, mailbox, mailoutbox
):
    _call(agent_client, email="omid@example.ir", full_name="Omid", subject="Printer")
    contact = Contact.objects.get(email="omid@example.ir")
    assert contact.language == ""
    [ack] = _send_all(mailoutbox, to="omid@example.ir")
    _assert_english(ack)  # the site's language while nobody knows theirs
    email_ingest(raw=make_mail(sender="omid@example.ir", subject="چاپگر", body="سلام، هنوز کار نمی‌کند."))
    contact.refresh_from_db()
    assert contact.language == "fa"


def test_an_api_ticket_for_a_new_contact_with_a_persian_name_gets_persian_mail(as_user, agent, mailoutbox):
    response = as_user(agent).post(
        "/api/v1/tickets/",
        {
            "subject": "Phoned in",
            "body": "Caller says hi",
            "requester_email": "reza@example.ir",
            "requester_name": "رضا",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Contact.objects.get(email="reza@example.ir").language == "fa"
    [ack] = _send_all(mailoutbox, to="reza@example.ir")
    _assert_persian(ack)
