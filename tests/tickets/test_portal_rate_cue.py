"""The "Rate our help" cue on the portal's request lists shows only on requests the customer can rate
(tickets.ratings.can_rate: their own, solved or closed); on an open one it led to a page without a
rating form."""

import pytest
from django.urls import reverse

from tests.factories import make_ticket
from tickets import services
from tickets.models import Status

pytestmark = pytest.mark.django_db


def _row_of(html: str, subject: str) -> str:
    start = html.index(subject)
    return html[start : html.index("</li>", start)]


def test_the_requests_list_offers_a_rating_only_on_solved_or_closed_requests(client, customer, agent):
    just_sent = make_ticket(requester=customer.contact, actor=customer, subject="Just sent")
    answered = make_ticket(requester=customer.contact, actor=customer, subject="Answered")
    services.ticket_reply(ticket=answered, actor=agent, body="Which version?", status=Status.PENDING)
    solved = make_ticket(requester=customer.contact, actor=customer, subject="All good now")
    services.ticket_change_status(ticket=solved, actor=agent, status=Status.SOLVED)
    client.force_login(customer)

    html = client.get(reverse("portal:requests")).content.decode()

    assert "Rate our help" not in _row_of(html, just_sent.subject)
    assert "Rate our help" not in _row_of(html, answered.subject)
    assert "Rate our help" in _row_of(html, solved.subject)


def test_a_colleagues_solved_request_offers_no_rating(client, customer, colleague, agent):
    theirs = make_ticket(requester=colleague.contact, actor=colleague, subject="Printer of a colleague")
    services.ticket_change_status(ticket=theirs, actor=agent, status=Status.SOLVED)
    client.force_login(customer)
    html = (
        client.get(reverse("portal:organization")).content.decode()
        + client.get(reverse("portal:requests")).content.decode()
    )
    assert theirs.subject in html
    assert "Rate our help" not in html
