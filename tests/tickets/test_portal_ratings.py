"""Satisfaction ratings: the service, the request page form and the signed one-click mail link."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import timezone

from customers.models import Contact
from helpdesk.exceptions import DomainError
from tests.factories import make_ticket
from tickets import ratings, services
from tickets.models import EventKind, SatisfactionRating, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def solved(customer, agent):
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    services.ticket_reply(ticket=ticket, actor=agent, body="Fixed it")
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    ticket.refresh_from_db()
    return ticket


def test_rating_submit_saves_one_rating_and_records_an_event(solved):
    rating = ratings.rating_submit(ticket=solved, contact=solved.requester, score=4, comment=" Quick! ")
    assert (rating.score, rating.comment, rating.contact) == (4, "Quick!", solved.requester)
    event = solved.events.get(kind=EventKind.FIELD_CHANGED, field="rating")
    assert event.new_value == "4" and event.data["score"] == 4 and not event.public


def test_a_rating_can_be_changed_within_the_allowed_days_and_not_after(solved, settings):
    settings.HELPDESK_RATING_CHANGE_DAYS = 7
    now = timezone.now()
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=2, now=now)
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=5, now=now + timedelta(days=6))
    assert SatisfactionRating.objects.get().score == 5
    with pytest.raises(ratings.RatingLocked):
        ratings.rating_submit(ticket=solved, contact=solved.requester, score=1, now=now + timedelta(days=8))
    assert SatisfactionRating.objects.count() == 1 and SatisfactionRating.objects.get().score == 5


@pytest.mark.parametrize("score", [0, 6, -1])
def test_scores_outside_one_to_five_are_refused(solved, score):
    with pytest.raises(ValidationError):
        ratings.rating_submit(ticket=solved, contact=solved.requester, score=score)


def test_an_open_request_cannot_be_rated(customer):
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    with pytest.raises(DomainError):
        ratings.rating_submit(ticket=ticket, contact=ticket.requester, score=5)


def test_only_the_requester_rates(solved, colleague):
    with pytest.raises(DomainError):
        ratings.rating_submit(ticket=solved, contact=Contact.objects.get(user=colleague), score=5)


def test_the_request_page_offers_rating_and_saves_it(client, customer, solved):
    client.force_login(customer)
    html = client.get(f"/portal/requests/{solved.pk}/").content.decode()
    assert "How did we do?" in html
    response = client.post(f"/portal/requests/{solved.pk}/rate/", {"score": "5", "comment": "Thanks"})
    assert response.status_code == 302
    assert SatisfactionRating.objects.get(ticket=solved).score == 5
    assert "Change your rating" in client.get(f"/portal/requests/{solved.pk}/").content.decode()


@pytest.mark.parametrize(
    ("language", "choose"),
    [("en", "Choose a score from 1 to 5."), ("fa", "امتیازی از ۱ تا ۵ انتخاب کنید.")],
)
def test_a_rating_sent_without_a_score_says_to_choose_one_and_keeps_the_comment(
    client, customer, solved, language, choose
):
    customer.language = language
    customer.save(update_fields=["language"])
    client.force_login(customer)
    response = client.post(f"/portal/requests/{solved.pk}/rate/", {"comment": "پاسخ سریع بود"})
    html = response.content.decode()
    assert response.status_code == 400 and choose in html
    assert "This field is required" not in html and "الزامی" not in html
    assert "پاسخ سریع بود</textarea>" in html
    assert not SatisfactionRating.objects.exists()


def test_a_colleague_sees_no_rating_form(client, colleague, solved):
    client.force_login(colleague)
    assert "How did we do?" not in client.get(f"/portal/requests/{solved.pk}/").content.decode()
    client.post(f"/portal/requests/{solved.pk}/rate/", {"score": "1"})
    assert not SatisfactionRating.objects.exists()


def test_opening_a_rating_link_only_shows_a_confirmation(client, solved):
    token = ratings.rating_token(ticket=solved, score=4)
    response = client.get(f"/portal/rate/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert not SatisfactionRating.objects.exists()
    assert 'value="4" required id="id_score_3" checked' in html or ('value="4"' in html and "checked" in html)
    assert 'name="comment"' in html and "csrfmiddlewaretoken" in html


def test_posting_the_rating_link_saves_the_rating_for_the_requester(client, solved):
    token = ratings.rating_token(ticket=solved, score=4)
    response = client.post(f"/portal/rate/{token}/", {"score": "3", "comment": "Slow but fine"})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.comment, rating.contact) == (3, "Slow but fine", solved.requester)


def test_a_rating_link_expires(client, solved, monkeypatch):
    token = ratings.rating_token(ticket=solved, score=5)
    monkeypatch.setattr(ratings, "TOKEN_DAYS", 0)
    response = client.post(f"/portal/rate/{token}/", {"score": "5"})
    assert response.status_code == 400 and not SatisfactionRating.objects.exists()


def test_a_tampered_rating_link_is_refused(client, solved):
    token = ratings.rating_token(ticket=solved, score=5)
    assert client.get(f"/portal/rate/{token[:-2]}xx/").status_code == 400


def test_a_rating_link_of_an_unsolved_request_saves_nothing(client, customer):
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    token = ratings.rating_token(ticket=ticket, score=5)
    response = client.post(f"/portal/rate/{token}/", {"score": "5"})
    assert "once it is solved" in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_the_rating_link_is_rate_limited_per_ip(client, solved):
    token = ratings.rating_token(ticket=solved, score=5)
    statuses = [client.get(f"/portal/rate/{token}/").status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_the_rating_link_needs_csrf(solved):
    from django.test import Client

    token = ratings.rating_token(ticket=solved, score=5)
    response = Client(enforce_csrf_checks=True).post(f"/portal/rate/{token}/", {"score": "5"})
    assert response.status_code == 403 and not SatisfactionRating.objects.exists()


def test_the_mail_template_tag_builds_the_one_click_link(solved):
    rendered = Template("{% load portal %}{% portal_rating_url ticket 5 %}").render(Context({"ticket": solved}))
    assert rendered.startswith("/portal/rate/")
    assert ratings.rating_link_read(token=rendered.split("/")[3]).score == 5
