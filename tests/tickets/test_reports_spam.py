"""A ticket marked as spam (tickets.services.spam) is no work: every report leaves it out, after the next
refresh of the summary for past days (migration 0056's views) and at once for today and for what the
reports read from tickets, replies, referrals, time entries, ratings, feedback links and opportunities
(tickets.reports.query.spam_out). Each report then gives what it gives with the ticket deleted."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ProductFactory, make_ticket
from tickets import ratings, services
from tickets.feedback import services as feedback_services
from tickets.models import Category, ReportFact, ReportRow, RootCause, Ticket
from tickets.opportunities import services as opportunity_services
from tickets.reports import REPORTS, report_run
from tickets.reports.params import ReportForm
from tickets.reports.summary import report_summary_refresh
from tickets.timetrack import services as time_services

pytestmark = pytest.mark.django_db


def run(slug, agent, **query):
    form = ReportForm(query, report=REPORTS[slug])
    assert form.is_valid(), form.errors
    result = report_run(REPORTS[slug], form.params(user=agent))
    return [(t.key, t.rows) for t in result.tables], [(f.key, f.value) for f in result.figures]


def every_report(agent) -> dict:
    """Every registered report (a new one is held to it too), over the last 30 days, grouped by each
    dimension it offers."""
    today = timezone.localdate()
    span = {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()}
    results = {}
    for slug, report in REPORTS.items():
        results[slug, ""] = run(slug, agent, **span)
        for group in report.group_by:
            results[slug, group] = run(slug, agent, **span, group_by=group)
    return results


def worked(*, ticket: Ticket, agent, other_team, product, days_ago: float, cause: RootCause) -> Ticket:
    """A ticket with everything a report counts: a reply, a solve with a root cause, a rating, a
    referral, logged time, a feedback link and an opportunity."""
    at = timezone.now() - timedelta(days=days_ago)
    services.ticket_reply(ticket=ticket, actor=agent, body="Answer", now=at + timedelta(hours=1))
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="?", now=at)
    services.referral_answer(referral=referral, actor=agent, answer="!", now=at + timedelta(hours=2))
    time_services.time_entry_log(ticket=ticket, actor=agent, time=time_services.TimeSpent(minutes=30), now=at)
    services.ticket_change_status(ticket=ticket, actor=agent, status="solved", now=at + timedelta(hours=3))
    Ticket.objects.filter(pk=ticket.pk).update(root_cause=cause)
    ratings.rating_submit(ticket=ticket, contact=ticket.requester, score=5, now=at + timedelta(hours=4))
    item = feedback_services.feedback_item_create(actor=agent, title=f"Wish {ticket.pk}", product=product)
    feedback_services.feedback_link(item=item, tickets=[ticket], actor=agent)
    opportunity_services.opportunity_create(ticket=ticket, actor=agent, estimated_value=Decimal("700"))
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def tickets(customer, agent, team, other_team):
    """Two tickets of one customer 3 days old (a return, for the recurring report), worked on alike; one
    of them spam (not yet marked)."""
    product, category = ProductFactory(name="Printer"), Category.objects.create(name="Printers")
    cause = RootCause.objects.create(name="Toner")
    at = timezone.now() - timedelta(days=3)
    made = {}
    for name, channel in (("real", "email"), ("spam", "portal")):
        ticket = make_ticket(
            requester=customer.contact, actor=agent, team=team, assignee=agent, product=product, channel=channel, now=at
        )
        Ticket.objects.filter(pk=ticket.pk).update(category=category)
        made[name] = worked(ticket=ticket, agent=agent, other_team=other_team, product=product, days_ago=3, cause=cause)
    return made


def without(ticket: Ticket, agent) -> dict:
    """Every report as if `ticket` had never been (deleted with its rows, then rolled back)."""
    with transaction.atomic():
        ReportFact.objects.filter(ticket_id=ticket.pk).delete()
        Ticket.objects.filter(pk=ticket.pk).delete()
        results = every_report(agent)
        transaction.set_rollback(True)
    return results


def test_a_ticket_marked_as_spam_leaves_every_report_with_the_next_refresh(tickets, agent):
    spam = tickets["spam"]
    report_summary_refresh()
    counted = every_report(agent)
    assert dict(counted["volume", ""][1])["created"] == 2

    services.ticket_mark_spam(ticket=spam, actor=agent, block_sender=False)
    assert ReportRow.objects.filter(ticket_id=spam.pk).exists()  # summarized: until the next refresh
    report_summary_refresh()
    assert not ReportRow.objects.filter(ticket_id=spam.pk).exists()
    left_out = every_report(agent)
    assert dict(left_out["volume", ""][1])["created"] == 1
    assert left_out == without(spam, agent)
    changed = {slug for (slug, _group), result in left_out.items() if result != counted[slug, _group]}
    # every report counted it before: each leaves it out now
    assert changed == set(REPORTS)


def test_a_spam_ticket_of_today_is_left_out_at_once(customer, agent, team):
    """Today's rows are computed live by the view: no refresh needed."""
    report_summary_refresh()
    real = make_ticket(requester=customer.contact, actor=agent, team=team, subject="Printer")
    spam = make_ticket(requester=customer.contact, actor=agent, team=team, subject="You won!")
    services.ticket_mark_spam(ticket=spam, actor=agent, block_sender=False)
    assert list(ReportRow.objects.values_list("ticket_id", flat=True)) == [real.pk]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    [_channels, *_], figures = run("volume", agent, end=tomorrow)
    assert dict(figures)["created"] == 1


def test_removing_the_spam_tag_brings_the_ticket_back_with_the_next_refresh(tickets, agent):
    spam = tickets["spam"]
    services.ticket_mark_spam(ticket=spam, actor=agent, block_sender=False)
    report_summary_refresh()
    assert not ReportFact.objects.filter(ticket_id=spam.pk).exists()
    services.ticket_update(ticket=spam, actor=agent, changes={}, tags=[])
    report_summary_refresh()
    assert ReportFact.objects.filter(ticket_id=spam.pk).exists()


def test_the_reports_run_the_same_queries_however_much_spam(tickets, client, agent, customer, team):
    services.ticket_mark_spam(ticket=tickets["spam"], actor=agent, block_sender=False)
    client.force_login(agent)
    for slug in REPORTS:
        client.get(f"/agent/reports/{slug}/")  # warm caches (the session, content types)
    before = {}
    for slug in REPORTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/agent/reports/{slug}/").status_code == 200
        before[slug] = len(queries)
    for index in range(5):
        more = make_ticket(requester=customer.contact, actor=agent, team=team, assignee=agent, subject=f"Win {index}")
        services.ticket_reply(ticket=more, actor=agent, body="?")
        services.ticket_mark_spam(ticket=more, actor=agent, block_sender=False)
    for slug in REPORTS:
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/agent/reports/{slug}/")
        assert len(queries) == before[slug], slug


def test_the_report_pages_say_spam_is_not_counted(client, agent):
    client.force_login(agent)
    page = client.get("/agent/reports/volume/").content.decode()
    assert "Tickets marked as spam are not counted." in page
