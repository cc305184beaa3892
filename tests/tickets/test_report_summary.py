"""Business minutes stored on tickets, and the reports' summary (issue #15): the summary's figures equal
the live computation on random data, today is live, older days are kept unless their ticket changed,
and pages and the API say how old the figures are."""

import random
import sqlite3
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation

from customers.models import BusinessCalendar, Contact, SlaPolicy, SlaTarget, WorkingPeriod
from helpdesk.aggregates import PercentileCont, PercentilesCont, _Percentiles
from helpdesk.celery import app
from tests.factories import ContactFactory, ProductFactory, make_ticket
from tickets import events, services
from tickets.models import Category, ReportFact, ReportSummary, Ticket
from tickets.reports import REPORTS, report_run, summary
from tickets.reports.output import summary_note
from tickets.reports.params import ReportForm
from tickets.reports.summary import report_summary_refresh
from tickets.sla.escalation import sla_sweep

# every report that reads the summary, so a new one is held to the live figures too
SUMMARY_REPORTS = tuple(slug for slug, report in REPORTS.items() if report.summary)


@pytest.fixture
def office_hours(db):
    """A default policy on a Monday-Friday 09:00-17:00 UTC calendar."""
    calendar = BusinessCalendar.objects.create(name="Office", time_zone="UTC")
    for weekday in range(5):
        WorkingPeriod.objects.create(calendar=calendar, weekday=weekday, start=time(9), end=time(17))
    policy = SlaPolicy.objects.create(name="Standard", calendar=calendar, is_default=True)
    for priority in ("low", "normal", "high", "urgent"):
        SlaTarget.objects.create(policy=policy, priority=priority, first_response_minutes=120, resolution_minutes=960)
    return policy


def test_business_minutes_are_stored_at_the_first_reply_and_the_solve_and_cleared_on_reopen(
    office_hours, customer, agent, team
):
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    ticket = make_ticket(requester=customer.contact, actor=customer, team=team, now=friday)
    assert ticket.sla_policy == office_hours
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    services.ticket_reply(ticket=ticket, actor=agent, body="Looking", now=monday)
    services.ticket_reply(ticket=ticket, actor=agent, body="Still", now=monday + timedelta(hours=1))
    services.ticket_change_status(ticket=ticket, actor=agent, status="solved", now=monday + timedelta(minutes=90))
    ticket.refresh_from_db()
    # Friday 16-17 and Monday 9-10 (the weekend does not count); the second reply changes nothing
    assert (ticket.first_response_business_minutes, ticket.resolution_business_minutes) == (120, 210)
    services.ticket_change_status(ticket=ticket, actor=agent, status="open", now=monday + timedelta(hours=2))
    ticket.refresh_from_db()
    assert (ticket.first_response_business_minutes, ticket.resolution_business_minutes) == (120, None)


def test_a_ticket_without_a_policy_has_no_business_minutes(db, customer, agent, team):
    ticket = make_ticket(requester=customer.contact, actor=customer, team=team)
    services.ticket_reply(ticket=ticket, actor=agent, body="Hi")
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None and ticket.first_response_business_minutes is None


def test_the_backfill_command_fills_existing_tickets_in_batches(office_hours, customer, agent, team, capsys):
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    for _ in range(3):
        ticket = make_ticket(requester=customer.contact, actor=customer, team=team, now=friday)
        services.ticket_reply(ticket=ticket, actor=agent, body="Hi", now=friday + timedelta(minutes=30))
        services.ticket_change_status(ticket=ticket, actor=agent, status="solved", now=friday + timedelta(hours=1))
    Ticket.objects.update(first_response_business_minutes=None, resolution_business_minutes=None)
    call_command("backfill_business_minutes", batch_size=2)
    assert "3 tickets in 2 batches" in capsys.readouterr().out
    assert set(Ticket.objects.values_list("first_response_business_minutes", "resolution_business_minutes")) == {
        (30, 60)
    }
    call_command("backfill_business_minutes")  # nothing left: safe to run again
    assert "0 tickets in 0 batches" in capsys.readouterr().out


def test_response_times_show_business_and_clock_hours(office_hours, customer, agent, team):
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    ticket = make_ticket(requester=customer.contact, actor=customer, team=team, now=friday)
    services.ticket_reply(ticket=ticket, actor=agent, body="Hi", now=datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    [(_key, [row])], figures = run("response-times", agent, start="2026-11-27", end="2026-11-30")
    assert row["first_response_business_median_hours"] == 2.0  # Friday 16-17, Monday 9-10
    assert row["first_response_median_hours"] == 66.0  # clock hours, the weekend included
    assert dict(figures)["first_response_business_median_hours"] == 2.0


def run(slug, agent, **query):
    form = ReportForm(query, report=REPORTS[slug])
    assert form.is_valid(), form.errors
    result = report_run(REPORTS[slug], form.params(user=agent))
    return [(t.key, t.rows) for t in result.tables], [(f.key, f.value) for f in result.figures]


@pytest.fixture
def random_tickets(office_hours, agent, other_agent, team, other_team, organization):
    """60 tickets over the last 20 days with random teams, agents, products, channels, categories,
    replies, solves, reopens and SLA outcomes (a fixed seed, so a failure can be replayed)."""
    rng = random.Random(15)
    now = timezone.now()
    products = [ProductFactory(name=f"P{i}") for i in range(3)]
    categories = [Category.objects.create(name=f"C{i}") for i in range(2)]
    contacts = [ContactFactory(organization=organization, email=f"c{i}@acme.test") for i in range(4)]
    contacts.append(Contact.objects.create(full_name="Loner", email="loner@else.test"))
    tickets = []
    for index in range(60):
        created = now - timedelta(days=rng.uniform(0, 20), hours=1)
        ticket = make_ticket(
            requester=rng.choice(contacts),
            actor=agent,
            team=rng.choice([team, other_team]),
            assignee=rng.choice([agent, other_agent, None]),
            product=rng.choice([*products, None]),
            channel=rng.choice(["email", "portal", "phone"]),
            subject=f"Random {index}",
            now=created,
        )
        Ticket.objects.filter(pk=ticket.pk).update(category=rng.choice([*categories, None]))
        ticket.refresh_from_db()
        at = created
        for _ in range(rng.choice([0, 1, 1, 2])):
            at += timedelta(minutes=rng.randint(5, 3000))
            services.ticket_reply(ticket=ticket, actor=rng.choice([agent, other_agent]), body="Answer", now=at)
        if rng.random() < 0.6:
            at += timedelta(minutes=rng.randint(5, 3000))
            services.ticket_change_status(ticket=ticket, actor=agent, status="solved", now=at)
            if rng.random() < 0.3:
                services.ticket_change_status(ticket=ticket, actor=agent, status="open", now=at + timedelta(hours=1))
        tickets.append(ticket)
    sla_sweep(now=now)  # the breaches of what is overdue
    return {"tickets": tickets, "products": products, "categories": categories}


def every_report(agent, data, other_team):
    """Each summary report, grouped by every dimension it offers and under a few filters."""
    today = timezone.localdate()
    span = {"start": (today - timedelta(days=25)).isoformat(), "end": today.isoformat()}
    results = {}
    for slug in SUMMARY_REPORTS:
        for group in REPORTS[slug].group_by:
            results[slug, group] = run(slug, agent, **span, group_by=group)
        results[slug, "team"] = run(slug, agent, **span, team=str(other_team.pk))
        results[slug, "product"] = run(slug, agent, **span, product=str(data["products"][0].pk))
        results[slug, "category"] = run(slug, agent, **span, category=str(data["categories"][1].pk))
        recent = {"start": (today - timedelta(days=3)).isoformat(), "end": today.isoformat()}
        results[slug, "recent"] = run(slug, agent, **recent, channel="email")
        if "days" in REPORTS[slug].options:
            results[slug, "days"] = run(slug, agent, **recent, days="2")
        if "about" in REPORTS[slug].options:
            results[slug, "about"] = run(slug, agent, **span, about="category", days="5")
    return results


def live(agent, data, other_team):
    """The same reports with no summary at all (every row computed from tickets, messages, events)."""
    with transaction.atomic():
        ReportFact.objects.all().delete()
        ReportSummary.objects.all().delete()
        results = every_report(agent, data, other_team)
        transaction.set_rollback(True)
    return results


def test_the_summary_gives_the_live_figures_on_random_data(random_tickets, agent, other_team):
    computed_live = every_report(agent, random_tickets, other_team)
    assert any(rows for (_slug, _g), (tables, _f) in computed_live.items() for _k, rows in tables)
    found = report_summary_refresh()
    assert found["filled"] > 0 and ReportFact.objects.exists()
    assert every_report(agent, random_tickets, other_team) == computed_live
    # Changes to old tickets (beyond the recent days) come in with the next refresh
    old = [t for t in random_tickets["tickets"] if t.created_at < timezone.now() - timedelta(days=9)]
    for ticket in old[:5]:
        ticket.refresh_from_db()
        services.ticket_reply(ticket=ticket, actor=agent, body="Late answer")
        if ticket.status != "solved":
            services.ticket_change_status(ticket=ticket, actor=agent, status="solved")
    report_summary_refresh()
    assert every_report(agent, random_tickets, other_team) == live(agent, random_tickets, other_team)


def ticket_count(agent) -> int:
    [(_key, rows)] = run("response-times", agent, start=(timezone.localdate() - timedelta(days=25)).isoformat())[0]
    return sum(row["tickets"] for row in rows)


def test_today_is_live_and_older_days_are_kept(random_tickets, agent, customer, team, monkeypatch):
    # no margin for events of transactions still open: here every event is older than the refresh
    monkeypatch.setattr(summary, "EVENT_OVERLAP", 0)
    report_summary_refresh()
    assert ticket_count(agent) == 60
    make_ticket(requester=customer.contact, actor=customer, team=team, subject="Just now")
    assert ticket_count(agent) == 61  # no refresh in between
    state = ReportSummary.objects.get()
    assert state.covered_until == datetime.combine(timezone.localdate(), time(0), tzinfo=UTC)
    # A row of an old day is not read again unless its ticket changed; a recent day's is.
    old = ReportFact.objects.filter(created_at__lt=timezone.now() - timedelta(days=10)).order_by("pk").first()
    recent = ReportFact.objects.filter(created_at__gt=timezone.now() - timedelta(days=5)).order_by("pk").first()
    ReportFact.objects.filter(pk__in=[old.pk, recent.pk]).update(agent_replies=99)
    report_summary_refresh()
    assert ReportFact.objects.get(pk=old.pk).agent_replies == 99  # kept
    assert ReportFact.objects.get(pk=recent.pk).agent_replies != 99  # re-read
    services.ticket_reply(ticket=Ticket.objects.get(pk=old.pk), actor=agent, body="Again")
    report_summary_refresh()
    assert ReportFact.objects.get(pk=old.pk).agent_replies != 99  # its ticket changed: re-read
    # the SLA sweep records a breach without touching the ticket's updated_at: re-read all the same
    ReportFact.objects.filter(pk=old.pk).update(agent_replies=99)
    events.event_record(ticket=Ticket.objects.get(pk=old.pk), kind="sla_breached", actor=None, field="resolution")
    report_summary_refresh()
    row = ReportFact.objects.get(pk=old.pk)
    assert row.agent_replies != 99 and row.resolution_breached


def test_a_refresh_drops_merged_and_deleted_tickets(random_tickets, agent):
    report_summary_refresh()
    first, second = random_tickets["tickets"][:2]
    Ticket.objects.filter(pk=first.pk).update(updated_at=timezone.now())
    Ticket.objects.filter(pk=first.pk).update(merged_into=second)
    ReportSummary.objects.update(covered_until=ReportSummary.objects.get().covered_until - timedelta(days=1))
    Ticket.objects.filter(pk=random_tickets["tickets"][2].pk).delete()
    report_summary_refresh()
    assert not ReportFact.objects.filter(pk__in=[first.pk, random_tickets["tickets"][2].pk]).exists()


def test_pages_and_the_api_say_how_old_the_figures_are(random_tickets, client, as_user, agent):
    client.force_login(agent)
    page = client.get("/agent/reports/resolution/")
    assert "the reports&#x27; summary has not been filled yet" in page.content.decode()
    report_summary_refresh()
    page = client.get("/agent/reports/resolution/").content.decode()
    assert "figures up to 10 minutes old" in page and "today is live" in page
    body = as_user(agent).get("/api/v1/reports/response-times/").json()
    assert body["summary_refreshed_at"] and "10 minutes" in body["summary_note"]
    referrals = as_user(agent).get("/api/v1/reports/referrals/").json()
    assert referrals["summary_refreshed_at"] is None and referrals["summary_note"] == ""
    form = ReportForm({}, report=REPORTS["sla"])
    assert form.is_valid()
    result = report_run(REPORTS["sla"], form.params(user=agent))
    with translation.override("fa"):
        assert "۱۰ دقیقه" in summary_note(result) and "امروز" in summary_note(result)


def test_the_refresh_runs_every_ten_minutes_from_the_beat(db):
    entry = app.conf.beat_schedule["report-summary-refresh"]
    assert entry["task"] == "tickets.tasks.report_summary_refresh" and entry["schedule"] == 600.0
    from tickets.tasks import report_summary_refresh as task

    assert task.name == entry["task"]
    assert set(task()) == {"filled", "recent", "changed", "pruned"}


def recurring_by_hand(agent, query: dict, tickets_q: Q) -> tuple[dict, dict]:
    """The recurring report's figures and rows computed in Python from the tickets themselves."""
    form = ReportForm(query, report=REPORTS["recurring"])
    assert form.is_valid(), form.errors
    params = form.params(user=agent)
    earlier = timedelta(days=params.days)
    tickets = Ticket.objects.filter(
        tickets_q,
        merged_into__isnull=True,
        product__isnull=False,
        created_at__gte=params.start - earlier,
        created_at__lt=params.end,
    ).order_by("created_at", "pk")
    figures, tables = {}, {}
    for who, figure in (("requester", "customers"), ("organization", "organizations")):
        previous: dict = {}
        returns: dict = defaultdict(list)
        for ticket in tickets:
            key = getattr(ticket, f"{who}_id")
            if key is None:
                continue
            before = previous.get((key, ticket.product_id))
            if ticket.created_at >= params.start and before is not None and before >= ticket.created_at - earlier:
                returns[key].append(ticket)
            previous[key, ticket.product_id] = ticket.created_at
        figures[figure] = len(returns)
        tables[who] = sorted(
            (len(found), len({t.product_id for t in found}), max(t.created_at for t in found))
            for found in returns.values()
        )
    return figures, tables


def test_recurring_equals_a_count_by_hand_with_and_without_the_summary(random_tickets, agent, other_team):
    today = timezone.localdate()
    cases = [
        ({"start": (today - timedelta(days=12)).isoformat(), "end": today.isoformat()}, Q()),
        ({"start": (today - timedelta(days=9)).isoformat(), "days": "3"}, Q()),
        ({"team": str(other_team.pk)}, Q(team=other_team)),
        ({"product": str(random_tickets["products"][0].pk), "days": "30"}, Q(product=random_tickets["products"][0])),
    ]
    for refreshed in (False, True):
        if refreshed:
            report_summary_refresh()
        for query, tickets_q in cases:
            form = ReportForm(query, report=REPORTS["recurring"])
            assert form.is_valid(), form.errors
            result = report_run(REPORTS["recurring"], form.params(user=agent))
            by_hand_figures, by_hand = recurring_by_hand(agent, query, tickets_q)
            assert {f.key: f.value for f in result.figures} == by_hand_figures
            for table in result.tables:
                assert sorted((r["returns"], r["products"], r["latest"]) for r in table.rows) == by_hand[table.key]
    assert any(by_hand_figures.values())


def test_recurring_counts_a_return_whose_first_ticket_is_before_the_range(db, customer, agent, team):
    product = ProductFactory(name="Router")
    start = timezone.localdate() - timedelta(days=3)
    before = timezone.now() - timedelta(days=4)
    for at in (before, before + timedelta(days=2)):
        make_ticket(requester=customer.contact, actor=customer, team=team, product=product, now=at)
    [(_key, customers), _organizations], figures = run("recurring", agent, start=start.isoformat())
    assert [(r["name"], r["returns"]) for r in customers] == [(customer.contact.full_name, 1)]
    assert dict(figures)["customers"] == 1


def test_several_percentiles_in_one_sort_equal_one_at_a_time(random_tickets):
    db = sqlite3.connect(":memory:")
    db.create_aggregate("hd_percentiles_cont", 2, _Percentiles)
    db.execute("CREATE TABLE t (x REAL)")
    assert db.execute("SELECT hd_percentiles_cont(x, '0.5, 0.9') FROM t").fetchone()[0] is None
    db.executemany("INSERT INTO t VALUES (?)", [(120,), (None,), (60,), (180,)])
    assert db.execute("SELECT hd_percentiles_cont(x, '0.5, 0.9') FROM t").fetchone()[0] == "[120.0, 168.0]"
    report_summary_refresh()
    together = ReportFact.objects.aggregate(both=PercentilesCont("resolution_minutes", fractions=(0.5, 0.9)))
    apart = ReportFact.objects.aggregate(
        median=PercentileCont("resolution_minutes", fraction=0.5),
        p90=PercentileCont("resolution_minutes", fraction=0.9),
    )
    assert ReportFact.objects.exists() and together["both"] == [apart["median"], apart["p90"]]
    nothing = ReportFact.objects.filter(pk=-1).aggregate(
        both=PercentilesCont("resolution_minutes", fractions=(0.5, 0.9))
    )
    assert nothing["both"] == [None, None]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY x) FROM (VALUES (60), (120), (180)) v(x)"
            )
            assert cursor.fetchone()[0] == [120.0, 168.0]


def test_a_notice_is_not_an_agent_reply_in_the_reports(db, customer, agent, team):
    """A notice (a shipped feature told to the customer, tickets.feedback.notify) answers nothing: the
    report views (migration 0050) leave it out of agent_replies, so first-contact resolution is not
    inflated by it."""
    from tickets.models import ReportRow

    ticket = make_ticket(requester=customer.contact, actor=customer, team=team, subject="Export to CSV?")
    services.ticket_reply(ticket=ticket, actor=agent, body="It has shipped.", notice=True)
    assert ReportRow.objects.get(ticket_id=ticket.pk).agent_replies == 0
    services.ticket_reply(ticket=ticket, actor=agent, body="Here is how to use it.")
    assert ReportRow.objects.get(ticket_id=ticket.pk).agent_replies == 1
