"""Bad ratings: a follow-up flag, a mail to the team lead (or who stands in), events; marking it done."""

import pytest
from django.core import mail

from helpdesk.exceptions import NotAllowed
from helpdesk.models import NotificationLog
from tests.conftest import send_outbox_mail
from tests.factories import UserFactory
from tickets import ratings
from tickets.models import EventKind, RatingFollowUp
from tickets.satisfaction import follow_ups

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(team):
    user = UserFactory(role="agent", email="lead@example.com", full_name="Lena Lead")
    user.teams.add(team)
    team.lead = user
    team.save(update_fields=["lead"])
    return user


def follow_up_mails(ticket):
    return NotificationLog.objects.filter(ticket_id=ticket.pk, template="rating_follow_up")


@pytest.mark.parametrize("score", [1, 2])
def test_a_bad_rating_opens_a_follow_up_mails_the_lead_and_records_an_event(solved, lead, score):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=score, comment="Still broken")
    follow_up = RatingFollowUp.objects.get(ticket=solved)
    assert follow_up.is_open and follow_up.score == score
    assert list(follow_up_mails(solved).values_list("recipient", flat=True)) == ["lead@example.com"]
    event = solved.events.get(kind=EventKind.FOLLOW_UP_OPENED)
    assert event.data["told"] == ["lead@example.com"] and event.data["follow_up"] == follow_up.pk
    assert send_outbox_mail(template_prefix="rating_follow_up") == 1
    sent = mail.outbox[-1]
    assert (
        sent.to == ["lead@example.com"] and "Still broken" in sent.body and f"/agent/tickets/{solved.pk}/" in sent.body
    )


@pytest.mark.parametrize("score", [3, 4, 5])
def test_a_fair_or_good_rating_opens_none(solved, lead, score):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=score)
    assert not RatingFollowUp.objects.exists() and not follow_up_mails(solved).exists()


def test_the_threshold_is_a_setting(solved, lead, settings):
    settings.HELPDESK_RATING_FOLLOW_UP_MAX_SCORE = 3
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=3)
    assert RatingFollowUp.objects.filter(ticket=solved, score=3).exists()


def test_changing_a_bad_rating_to_another_bad_one_keeps_one_open_follow_up(solved, lead):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=2)
    assert RatingFollowUp.objects.filter(ticket=solved).count() == 1 and follow_up_mails(solved).count() == 1


def test_without_a_lead_the_team_members_are_told(solved, agent, team):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    assert set(follow_up_mails(solved).values_list("recipient", flat=True)) == {agent.email}


def test_without_a_team_the_admins_are_told(solved, agent, admin_user):
    from tickets import services

    services.ticket_update(ticket=solved, actor=agent, changes={"team": None})
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    assert set(follow_up_mails(solved).values_list("recipient", flat=True)) == {admin_user.email}


def test_an_agent_marks_it_done_with_a_note_once(solved, lead, agent):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    follow_up = RatingFollowUp.objects.get()
    follow_ups.follow_up_done(follow_up=follow_up, actor=agent, note="Called her, sent a new part")
    follow_up.refresh_from_db()
    assert not follow_up.is_open and follow_up.resolved_by == agent and follow_up.note == "Called her, sent a new part"
    assert solved.events.get(kind=EventKind.FOLLOW_UP_DONE).actor == agent
    with pytest.raises(follow_ups.FollowUpDone):
        follow_ups.follow_up_done(follow_up=follow_up, actor=agent, note="again")


def test_a_new_bad_rating_after_a_done_follow_up_opens_another(solved, lead, agent):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    follow_ups.follow_up_done(follow_up=RatingFollowUp.objects.get(), actor=agent)
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=2)
    assert RatingFollowUp.objects.filter(ticket=solved).count() == 2
    assert RatingFollowUp.objects.filter(ticket=solved, resolved_at__isnull=True).count() == 1


def test_a_customer_cannot_mark_it_done(solved, lead, customer):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    with pytest.raises(NotAllowed):
        follow_ups.follow_up_done(follow_up=RatingFollowUp.objects.get(), actor=customer)


def test_a_bad_rating_is_also_a_notification_for_the_lead(db, customer, agent, team):
    from customers.models import Contact
    from tests.factories import make_ticket
    from tickets import ratings, services
    from tickets.models import Notification, NotificationKind, Status

    team.lead = agent
    team.save()
    contact = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=contact, actor=customer, team=team, subject="Slow answer")
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    ratings.rating_submit(ticket=ticket, contact=contact, score=1, comment="Too slow")
    notification = Notification.objects.get(recipient=agent, kind=NotificationKind.BAD_RATING)
    assert notification.ticket_id == ticket.pk and notification.read_at is None
