"""The satisfaction survey: queued once by the real sweep task after the delay, never for tickets
that must get none, dropped when the ticket reopened before it went."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from customers.models import Contact
from helpdesk.models import NotificationLog
from tests.conftest import send_outbox_mail
from tests.factories import ContactFactory, make_ticket
from tests.tickets.satisfaction.conftest import solve
from tickets import ratings, services, tasks
from tickets.models import EventKind, SatisfactionSurvey, Status, Ticket
from tickets.satisfaction import surveys

pytestmark = pytest.mark.django_db


def run_sweep() -> int:
    return tasks.survey_sweep.apply().get()


def survey_rows(ticket: Ticket):
    return NotificationLog.objects.filter(ticket_id=ticket.pk, template="satisfaction_survey")


def test_the_sweep_queues_one_survey_after_the_delay_and_only_once(solved):
    assert run_sweep() == 1
    assert run_sweep() == 0  # run twice: still one
    assert survey_rows(solved).count() == 1
    survey = SatisfactionSurvey.objects.get(ticket=solved)
    assert survey.notification == survey_rows(solved).get() and survey.solved_at == solved.solved_at
    assert solved.events.filter(kind=EventKind.SURVEY_QUEUED).count() == 1


def test_no_survey_before_the_delay(solved, settings):
    settings.HELPDESK_SURVEY_DELAY_HOURS = 48
    assert run_sweep() == 0
    settings.HELPDESK_SURVEY_DELAY_HOURS = 24
    assert run_sweep() == 1


def test_delay_zero_surveys_on_the_next_sweep(customer, agent, settings):
    settings.HELPDESK_SURVEY_DELAY_HOURS = 0
    ticket = solve(make_ticket(requester=Contact.objects.get(user=customer), actor=customer), agent, hours_ago=0)
    assert run_sweep() == 1 and survey_rows(ticket).count() == 1


def test_tickets_solved_longer_ago_than_the_max_age_get_none(solved, settings):
    settings.HELPDESK_SURVEY_MAX_AGE_DAYS = 1
    Ticket.objects.filter(pk=solved.pk).update(solved_at=timezone.now() - timedelta(days=3))
    assert run_sweep() == 0


def test_surveys_off_queue_nothing_and_the_solved_mail_carries_the_links(solved, settings):
    settings.HELPDESK_SURVEYS = False
    assert run_sweep() == 0
    send_outbox_mail(template_prefix="ticket_solved")
    assert "/portal/rate/" in mail.outbox[-1].body


def test_with_surveys_on_the_links_are_in_the_survey_not_in_the_solved_mail(solved):
    send_outbox_mail(template_prefix="ticket_solved")
    assert "/portal/rate/" not in mail.outbox[-1].body
    run_sweep()
    assert send_outbox_mail(template_prefix="satisfaction_survey") == 1
    survey = mail.outbox[-1]
    assert survey.to == [solved.requester.email] and survey.body.count("/portal/rate/") == 5
    assert "How did we do?" in survey.subject


def test_the_survey_is_in_the_requesters_language(solved):
    Contact.objects.filter(pk=solved.requester_id).update(language="fa")
    solved.requester.user.language = "fa"
    solved.requester.user.save(update_fields=["language"])
    run_sweep()
    send_outbox_mail(template_prefix="satisfaction_survey")
    html = mail.outbox[-1].alternatives[0][0]
    assert 'dir="rtl"' in html and "خیلی بد" in html and "/portal/rate/" in html


@pytest.mark.parametrize("tag", ["spam", "auto-reply"])
def test_no_survey_for_tickets_tagged_spam_or_auto_reply(solved, agent, tag):
    services.ticket_update(ticket=solved, actor=agent, changes={}, tags=[tag])
    assert run_sweep() == 0 and not SatisfactionSurvey.objects.exists()


@pytest.mark.parametrize("address", ["mailer-daemon@example.com", "noreply@example.com"])
def test_no_survey_for_machine_requesters(agent, address):
    ticket = solve(make_ticket(requester=ContactFactory(email=address), actor=agent), agent)
    assert run_sweep() == 0 and not SatisfactionSurvey.objects.filter(ticket=ticket).exists()


def test_no_survey_for_a_requester_without_address(solved):
    Contact.objects.filter(pk=solved.requester_id).update(email="")
    assert run_sweep() == 0


def test_no_survey_for_a_ticket_reopened_before_the_sweep(solved, agent):
    services.ticket_change_status(ticket=solved, actor=agent, status=Status.OPEN)
    assert run_sweep() == 0


def test_no_survey_for_a_ticket_already_rated(solved):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=5)
    assert run_sweep() == 0


def test_a_closed_ticket_still_gets_its_survey(solved, agent):
    services.ticket_change_status(ticket=solved, actor=agent, status=Status.CLOSED)
    assert run_sweep() == 1


def test_reopened_between_queue_and_send_drops_the_mail_and_the_next_solve_surveys_again(solved, agent):
    run_sweep()
    services.ticket_change_status(ticket=solved, actor=agent, status=Status.OPEN)
    mail.outbox.clear()
    assert send_outbox_mail(template_prefix="satisfaction_survey") == 0
    row = survey_rows(solved).get()
    assert row.dropped and "reopened" in row.last_error and not mail.outbox
    assert not SatisfactionSurvey.objects.filter(ticket=solved).exists()
    solve(solved, agent)
    assert run_sweep() == 1 and survey_rows(solved).count() == 2


def test_rated_between_queue_and_send_drops_the_mail_for_good(solved):
    run_sweep()
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=5)
    assert send_outbox_mail(template_prefix="satisfaction_survey") == 0
    assert survey_rows(solved).get().dropped and SatisfactionSurvey.objects.filter(ticket=solved).exists()
    assert run_sweep() == 0


def test_the_sweep_works_in_batches(customer, agent, monkeypatch):
    monkeypatch.setattr(surveys, "BATCH", 2)
    contact = Contact.objects.get(user=customer)
    tickets = [solve(make_ticket(requester=contact, actor=customer, subject=f"T{i}"), agent) for i in range(5)]
    assert run_sweep() == 5
    assert SatisfactionSurvey.objects.filter(ticket__in=tickets).count() == 5
