"""A customer who raises a bad rating above the threshold closes its open follow-up by itself, with
a note saying so; lowering it again opens a new one (tickets.satisfaction.follow_ups.follow_up_on_rating)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from customers.models import Contact
from helpdesk.exceptions import NotAllowed
from tickets import ratings
from tickets.models import EventKind, RatingFollowUp

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _rate_in_portal(client, ticket, score: int):
    response = client.post(reverse("portal:rate", args=[ticket.pk]), {"score": score, "comment": ""})
    assert response.status_code == 302, response.content
    return response


def test_raising_a_bad_rating_closes_the_follow_up_with_a_note(client, customer, solved):
    client.force_login(customer)
    _rate_in_portal(client, solved, 2)
    _rate_in_portal(client, solved, 5)
    follow_up = RatingFollowUp.objects.get(ticket=solved)
    assert not follow_up.is_open and follow_up.resolved_by is None and follow_up.score == 2
    assert follow_up.note == "The customer raised the rating from 2 to 5 of 5."
    event = solved.events.get(kind=EventKind.FOLLOW_UP_DONE)
    assert event.actor is None and event.data["raised_to"] == 5 and event.data["follow_up"] == follow_up.pk


def test_the_agent_panel_says_it_closed_by_itself_and_shows_the_current_score(client, agent, customer, solved):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=4)
    client.force_login(agent)
    url = f"/agent/tickets/{solved.pk}/satisfaction/"
    html = client.get(url, **HTMX).content.decode()
    assert "the customer raised the rating from 1 to 4 of 5" in html and "Mark follow-up done" not in html
    assert "★ 4 / 5" in html
    agent.language = "fa"
    agent.save(update_fields=["language"])
    with translation.override("fa"):
        html = client.get(url, **HTMX, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "مشتری امتیاز را از ۱ به ۴ از ۵ بالا برد" in html


def test_a_rating_raised_only_to_the_threshold_keeps_it_open(solved, settings):
    settings.HELPDESK_RATING_FOLLOW_UP_MAX_SCORE = 3
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=3)
    assert RatingFollowUp.objects.get(ticket=solved).is_open


def test_lowering_it_again_opens_a_new_follow_up_and_tells_the_lead_again(solved, agent, team):
    for score in (2, 5, 1):
        ratings.rating_submit(ticket=solved, contact=solved.requester, score=score)
    follow_ups = list(RatingFollowUp.objects.filter(ticket=solved).order_by("id"))
    assert [(f.score, f.is_open) for f in follow_ups] == [(2, False), (1, True)]
    assert solved.events.filter(kind=EventKind.FOLLOW_UP_OPENED).count() == 2


def test_a_good_first_rating_closes_nothing_and_records_no_event(solved):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=5)
    assert not RatingFollowUp.objects.exists() and not solved.events.filter(kind=EventKind.FOLLOW_UP_DONE).exists()


def test_only_the_requester_can_raise_the_rating_and_close_it(solved, colleague, other_customer):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    for user in (colleague, other_customer):
        with pytest.raises((NotAllowed, ValidationError)):
            ratings.rating_submit(ticket=solved, contact=Contact.objects.get(user=user), score=5)
    assert RatingFollowUp.objects.get(ticket=solved).is_open
