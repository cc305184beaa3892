"""The admin of satisfaction (issue #15): surveys, ratings and follow-ups listed and filtered in English
and Persian, read-only, a follow-up marked done through the service, admins only."""

import pytest
from django.utils import timezone, translation

from tickets import ratings
from tickets.models import EventKind, RatingFollowUp, SatisfactionSurvey
from tickets.satisfaction.surveys import survey_sweep

LISTS = ("satisfactionsurvey", "satisfactionrating", "ratingfollowup")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def rated(solved):
    survey_sweep(now=timezone.now())
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1, comment="Still broken")
    return solved


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_lists_show_and_filter_in_both_languages(admin_client, admin_user, rated, language):
    admin_user.language = language
    admin_user.save()
    assert SatisfactionSurvey.objects.filter(ticket=rated).exists()
    with translation.override(language):
        pages = {name: admin_client.get(f"/admin/tickets/{name}/") for name in LISTS}
        open_ones = admin_client.get("/admin/tickets/ratingfollowup/", {"state": "open"}).content.decode()
        done_ones = admin_client.get("/admin/tickets/ratingfollowup/", {"state": "done"}).content.decode()
        unsent = admin_client.get("/admin/tickets/satisfactionsurvey/", {"sent": "no", "rated": "yes"}).content.decode()
        sent = admin_client.get("/admin/tickets/satisfactionsurvey/", {"sent": "yes"}).content.decode()
    assert all(page.status_code == 200 for page in pages.values())
    link = f"/admin/tickets/ratingfollowup/{RatingFollowUp.objects.get().pk}/change/"
    assert link in open_ones and link not in done_ones
    survey = f"/admin/tickets/satisfactionsurvey/{SatisfactionSurvey.objects.get().pk}/change/"
    assert survey in unsent and survey not in sent  # queued, its mail not sent yet
    body = pages["ratingfollowup"].content.decode()
    if language == "fa":
        assert 'dir="rtl"' in body and "پیگیری" in body and "باز" in open_ones
    else:
        assert "Rating follow-ups" in body and "Mark the selected follow-ups done" in body


def test_the_lists_are_read_only(admin_client, rated):
    follow_up = RatingFollowUp.objects.get()
    assert admin_client.get("/admin/tickets/satisfactionsurvey/add/").status_code == 403
    page = admin_client.get(f"/admin/tickets/ratingfollowup/{follow_up.pk}/change/").content.decode()
    assert 'name="note"' not in page  # shown, not editable
    response = admin_client.post(f"/admin/tickets/ratingfollowup/{follow_up.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and RatingFollowUp.objects.filter(pk=follow_up.pk).exists()


def test_marking_done_goes_through_the_service(admin_client, admin_user, rated):
    follow_up = RatingFollowUp.objects.get()
    response = admin_client.post(
        "/admin/tickets/ratingfollowup/",
        {"action": "mark_done", "_selected_action": [follow_up.pk]},
        follow=True,
    )
    assert "1 follow-up marked done." in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.resolved_by == admin_user and not follow_up.is_open
    assert rated.events.filter(kind=EventKind.FOLLOW_UP_DONE).count() == 1  # the service's event


def test_the_lists_run_a_fixed_number_of_queries(admin_client, rated, django_assert_max_num_queries):
    for name in LISTS:
        with django_assert_max_num_queries(12):
            assert admin_client.get(f"/admin/tickets/{name}/").status_code == 200


def test_only_admins_reach_it(client, agent, customer):
    for user in (agent, customer):
        client.force_login(user)
        for name in LISTS:
            assert client.get(f"/admin/tickets/{name}/").status_code == 302  # the admin's own login
