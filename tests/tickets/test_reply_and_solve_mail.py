"""A public reply that solves the ticket is one mail to the customer: the reply, saying the request is now
solved (with the rating links when the solved mail would carry them), never the reply plus a separate
"Your request was solved" mail. A ticket solved without a public reply still gets the solved mail."""

import pytest

from customers.models import Contact
from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tests.factories import make_ticket
from tickets import services
from tickets.models import Status, Ticket
from tickets.problems.solving import solve_incident

pytestmark = pytest.mark.django_db

SOLVED = "as solved. If something is still wrong, just reply and it opens again."


@pytest.fixture
def ticket(customer) -> Ticket:
    return make_ticket(requester=Contact.objects.get(user=customer), actor=customer)


def _customer_rows(ticket: Ticket):
    return NotificationLog.objects.filter(ticket_id=ticket.pk, template__in=["agent_reply", "ticket_solved"])


def _send(row: NotificationLog, mailoutbox):
    assert notification_send(notification_id=row.pk)
    return mailoutbox[-1]


def test_a_reply_that_solves_is_one_mail_saying_it_is_solved_with_the_rating_links(
    ticket, agent, customer, mailoutbox, settings
):
    settings.HELPDESK_SURVEYS = False  # the solved mail carries the one-click rating links then
    services.ticket_reply(ticket=ticket, actor=agent, body="The printer is fixed.", status=Status.SOLVED)

    [row] = _customer_rows(ticket)
    assert (row.template, row.recipient, row.context["solved"]) == ("agent_reply", customer.email, True)
    mail = _send(row, mailoutbox)
    assert "The printer is fixed." in mail.body and SOLVED in mail.body
    assert mail.body.count("/portal/rate/") == 5
    html = mail.alternatives[0][0]
    assert "The printer is fixed." in html and "as solved" in html and html.count("/portal/rate/") == 5


def test_with_surveys_on_the_solving_reply_carries_no_rating_links(ticket, agent, mailoutbox):
    services.ticket_reply(ticket=ticket, actor=agent, body="Fixed.", status=Status.SOLVED)
    [row] = _customer_rows(ticket)
    mail = _send(row, mailoutbox)
    assert SOLVED in mail.body and "/portal/rate/" not in mail.body


def test_a_copied_address_reads_that_it_is_solved_but_gets_no_rating_links(ticket, agent, mailoutbox, settings):
    settings.HELPDESK_SURVEYS = False
    Ticket.objects.filter(pk=ticket.pk).update(cc_emails=["boss@acme.test"])
    ticket.refresh_from_db()
    services.ticket_reply(ticket=ticket, actor=agent, body="Fixed.", status=Status.SOLVED)

    copy = NotificationLog.objects.get(ticket_id=ticket.pk, recipient="boss@acme.test")
    mail = _send(copy, mailoutbox)
    assert SOLVED in mail.body and "/portal/rate/" not in mail.body
    assert not NotificationLog.objects.filter(ticket_id=ticket.pk, template="ticket_solved").exists()


def test_a_plain_reply_does_not_say_solved(ticket, agent, mailoutbox):
    services.ticket_reply(ticket=ticket, actor=agent, body="Looking into it.")
    [row] = _customer_rows(ticket)
    assert "solved" not in row.context
    assert SOLVED not in _send(row, mailoutbox).body


def test_solving_without_a_reply_still_sends_the_solved_mail(ticket, agent):
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    assert list(_customer_rows(ticket).values_list("template", flat=True)) == ["ticket_solved"]


def test_an_internal_note_that_solves_sends_the_solved_mail_only(ticket, agent):
    services.ticket_reply(ticket=ticket, actor=agent, body="Done, closing.", internal=True, status=Status.SOLVED)
    assert list(_customer_rows(ticket).values_list("template", flat=True)) == ["ticket_solved"]


def test_the_problem_solve_reply_is_one_mail_per_incident(ticket, agent, mailoutbox):
    solve_incident(ticket=ticket, actor=agent, reply="We replaced the VPN gateway.", root_cause=None)

    [row] = _customer_rows(ticket)
    assert row.template == "agent_reply" and row.context["solved"] is True
    assert SOLVED in _send(row, mailoutbox).body
