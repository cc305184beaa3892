"""The "solved" mail says who solved the request: "you marked" when the requester pressed "my problem is
solved" herself (portal, API), "we marked" when an agent did; in English and Persian."""

import pytest

from customers.models import Contact
from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tests.factories import make_ticket
from tickets import services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer) -> Ticket:
    return make_ticket(requester=Contact.objects.get(user=customer), actor=customer)


def _solved_mail(ticket, mailoutbox):
    row = NotificationLog.objects.get(ticket_id=ticket.pk, template="ticket_solved")
    assert notification_send(notification_id=row.pk)
    return mailoutbox[-1]


def test_the_requester_solving_it_herself_on_the_portal_reads_you_marked(ticket, customer, client, mailoutbox):
    client.force_login(customer)
    client.post(f"/portal/requests/{ticket.pk}/solve/")
    mail = _solved_mail(ticket, mailoutbox)
    assert f"You marked your request #{ticket.pk} as solved." in mail.body
    assert "We marked" not in mail.body and "You marked" in mail.alternatives[0][0]


def test_an_agent_solving_it_reads_we_marked(ticket, agent, mailoutbox):
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    mail = _solved_mail(ticket, mailoutbox)
    assert f"We marked your request #{ticket.pk} as solved." in mail.body and "You marked" not in mail.body


def test_in_persian_the_requester_reads_that_she_marked_it_herself(ticket, customer, mailoutbox):
    Contact.objects.filter(pk=ticket.requester_id).update(language="fa")
    customer.language = "fa"
    customer.save()
    services.ticket_change_status(ticket=ticket, actor=customer, status=Status.SOLVED)
    mail = _solved_mail(ticket, mailoutbox)
    assert "خود را حل‌شده علامت زدید" in mail.body and "علامت زدیم" not in mail.body


def test_in_persian_an_agents_solve_still_reads_we_marked(ticket, agent, mailoutbox):
    Contact.objects.filter(pk=ticket.requester_id).update(language="fa")
    ticket.requester.refresh_from_db()
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    mail = _solved_mail(ticket, mailoutbox)
    assert "شما را حل‌شده علامت زدیم" in mail.body and "علامت زدید" not in mail.body
