"""The reports framework: each report's figures on a small data set counted by hand, CSV, Jalali dates,
permissions and fixed query counts."""

import sqlite3
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from helpdesk.aggregates import _Percentile, percentile_cont
from tests.factories import ProductFactory, make_ticket
from tickets import services
from tickets.feedback import services as feedback_services
from tickets.opportunities import services as opportunity_services
from tickets.reports import REPORTS
from tickets.reports.params import ReportForm

REPORT_SLUGS = sorted(REPORTS)  # every registered report, so a new one is covered too


@pytest.fixture
def data(db, customer, other_customer, agent, team, other_team):
    """Four tickets in the last week, one 40 days old; times in minutes counted by hand in each test."""
    now = timezone.now()
    base = now - timedelta(days=5, hours=1)
    printer, router = ProductFactory(name="Printer"), ProductFactory(name="Router")
    c1, c2 = customer.contact, other_customer.contact

    def ticket(contact, product, channel, at, subject):
        return make_ticket(
            requester=contact,
            actor=agent,
            team=team,
            assignee=agent,
            product=product,
            channel=channel,
            subject=subject,
            now=at,
        )

    t1 = ticket(c1, printer, "email", base, "One")
    services.ticket_reply(ticket=t1, actor=agent, body="Fixed", now=base + timedelta(hours=1))
    services.ticket_change_status(ticket=t1, actor=agent, status="solved", now=base + timedelta(hours=2))
    at2 = base + timedelta(days=1, hours=1)
    t2 = ticket(c1, printer, "portal", at2, "Two")
    services.ticket_reply(ticket=t2, actor=agent, body="Try this", now=at2 + timedelta(hours=3))
    services.ticket_reply(ticket=t2, actor=agent, body="And this", now=at2 + timedelta(hours=5))
    services.ticket_change_status(ticket=t2, actor=agent, status="solved", now=at2 + timedelta(hours=6))
    at3 = base + timedelta(days=2)
    t3 = ticket(c2, router, "phone", at3, "Three")
    services.ticket_reply(ticket=t3, actor=agent, body="Done", now=at3 + timedelta(hours=2))
    services.ticket_change_status(ticket=t3, actor=agent, status="solved", now=at3 + timedelta(hours=4))
    services.ticket_change_status(ticket=t3, actor=agent, status="open", now=at3 + timedelta(hours=5))
    t4 = ticket(c1, router, "email", at3, "Four")
    ticket(c1, printer, "email", now - timedelta(days=40), "Old")
    referral = services.ticket_refer(ticket=t4, actor=agent, to_team=other_team, note="?", now=at3 + timedelta(hours=1))
    services.referral_answer(referral=referral, actor=agent, answer="!", now=at3 + timedelta(hours=4))
    services.ticket_refer(ticket=t3, actor=agent, to_team=other_team, note="?", now=at3 + timedelta(hours=6))
    item = feedback_services.feedback_item_create(actor=agent, title="Duplex printing", product=printer)
    feedback_services.feedback_link(item=item, tickets=[t1, t2], actor=agent)
    opportunity_services.opportunity_create(ticket=t1, actor=agent, estimated_value=Decimal("1000"))
    won = opportunity_services.opportunity_create(ticket=t3, actor=agent, estimated_value=Decimal("500"))
    opportunity_services.opportunity_update(opportunity=won, actor=agent, changes={"state": "won"})
    return {"now": now, "printer": printer, "router": router}


def run(slug, agent, **query):
    form = ReportForm(query, report=REPORTS[slug])
    assert form.is_valid(), form.errors
    return REPORTS[slug].compute(form.params(user=agent))


def figures(result):
    return {f.key: f.value for f in result.figures}


def test_volume_counts_tickets_by_channel_and_product_and_the_backlog_by_age(data, agent):
    result = run("volume", agent, bucket="month")
    channels, products, categories, backlog = result.tables
    assert [c.key for c in categories.columns] == ["period", "category_none", "total"]  # none has a category
    assert sum(r["category_none"] for r in categories.rows) == 4
    assert figures(result) == {"created": 4, "open": 3}
    assert {k: sum(r[k] for r in channels.rows) for k in ("email", "portal", "phone", "api")} == {
        "email": 2,
        "portal": 1,
        "phone": 1,
        "api": 0,
    }
    assert sum(r[f"product_{data['printer'].pk}"] + r[f"product_{data['router'].pk}"] for r in products.rows) == 4
    assert backlog.rows == [{"open": 3, "age_1d": 0, "age_3d": 0, "age_7d": 2, "age_30d": 0, "age_older": 1}]
    days = run("volume", agent, bucket="day")
    assert len(days.tables[0].rows) == 31 and sum(r["total"] for r in days.tables[0].rows) == 4


def test_response_times_are_medians_and_90th_percentiles_in_hours(data, agent):
    [row] = run("response-times", agent).tables[0].rows
    # first responses 60, 180, 120 minutes; resolutions 120 and 360 (the reopened one is not solved)
    assert (row["tickets"], row["responded"], row["solved"]) == (4, 3, 2)
    assert (row["first_response_median_hours"], row["first_response_p90_hours"]) == (2.0, 2.8)
    assert (row["resolution_median_hours"], row["resolution_p90_hours"]) == (4.0, 5.6)


def test_first_contact_resolution_and_reopen_rate(data, agent):
    result = run("resolution", agent, group_by="channel")
    assert figures(result) == {"first_contact_percent": 50.0, "reopened_percent": 33.3}  # 1 of 2; 1 of 3
    by_channel = {r["group"]: (r["tickets"], r["first_contact"], r["reopened"]) for r in result.tables[0].rows}
    assert by_channel == {"Email": (2, 1, 0), "Phone": (1, 0, 1), "Portal": (1, 0, 0)}


def test_recurring_finds_the_customer_who_came_back_within_n_days(data, agent, customer):
    customers, organizations = run("recurring", agent).tables
    assert [(r["name"], r["returns"]) for r in customers.rows] == [(customer.contact.full_name, 1)]
    assert [(r["name"], r["returns"]) for r in organizations.rows] == [(customer.contact.organization.name, 1)]
    assert run("recurring", agent, days="1").tables[0].rows == []  # the second came 1 day 1 hour later


def test_recurring_about_the_same_category(data, agent, customer):
    from tickets.models import Category, Ticket

    billing = Category.objects.create(name="Billing", name_fa="صورتحساب")
    # "Two" (printer) and, 23 hours later, "Four" (router): different products, the same category
    Ticket.objects.filter(subject__in=["Two", "Four"]).update(category=billing)
    assert run("recurring", agent, days="1").tables[0].rows == []  # by product: nothing within a day
    customers, organizations = run("recurring", agent, days="1", about="category").tables
    assert [(r["name"], r["returns"], r["products"]) for r in customers.rows] == [(customer.contact.full_name, 1, 1)]
    assert [r["returns"] for r in organizations.rows] == [1]
    assert [c.label for c in customers.columns][2] == "Categories"
    form = ReportForm({"about": "colour"}, report=REPORTS["recurring"])
    assert not form.is_valid() and "about" in form.errors


def test_referral_turnaround_per_receiving_team(data, agent, other_team):
    [row] = run("referrals", agent).tables[0].rows
    assert row["group"] == other_team.name
    assert (row["referrals"], row["answered"], row["open"], row["median_hours"]) == (2, 1, 1, 3.0)


def test_workload_per_agent(data, agent):
    [row] = run("workload", agent).tables[0].rows
    assert (row["open_assigned"], row["solved"], row["replies"]) == (3, 2, 4)


def test_workload_per_team_names_the_team_of_the_replies_ticket(data, agent, team):
    # replies are grouped by their ticket's team id alone and named in a second query (labels_apart)
    [row] = run("workload", agent, group_by="team").tables[0].rows
    assert (row["group"], row["open_assigned"], row["solved"], row["replies"]) == (team.name, 3, 2, 4)


def test_feedback_demand_and_opportunities_by_state(data, agent):
    feedback, opportunities = run("feedback", agent).tables
    assert [(r["title"], r["tickets"], r["customers"]) for r in feedback.rows] == [("Duplex printing", 2, 1)]
    values = {r["state"]: (r["opportunities"], r["value"]) for r in opportunities.rows}
    assert values["New"] == (1, Decimal("1000")) and values["Won"] == (1, Decimal("500"))


def test_feedback_and_opportunities_follow_the_ticket_filters(data, agent, customer, other_customer):
    feedback, opportunities = run("feedback", agent, channel="portal").tables
    assert [(r["title"], r["tickets"], r["customers"]) for r in feedback.rows] == [("Duplex printing", 1, 1)]
    assert {r["state"]: r["opportunities"] for r in opportunities.rows} == {
        "New": 0,
        "Contacted": 0,
        "Won": 0,
        "Lost": 0,
    }
    feedback, opportunities = run("feedback", agent, channel="phone").tables
    assert feedback.rows == []
    assert {r["state"]: (r["opportunities"], r["value"]) for r in opportunities.rows}["Won"] == (1, Decimal("500"))
    other = str(other_customer.contact.organization_id)
    assert run("feedback", agent, organization=other).tables[0].rows == []  # both linked tickets are c1's
    mine = run("feedback", agent, organization=str(customer.contact.organization_id)).tables[0].rows
    assert [(r["tickets"], r["organizations"]) for r in mine] == [(2, 1)]


def test_volume_by_category_keeps_subcategories_apart(data, agent):
    from tickets.models import Category, Ticket

    hardware = Category.objects.create(name="Hardware")
    printers = Category.objects.create(name="Printers", parent=hardware)
    Ticket.objects.filter(subject__in=["One", "Two"]).update(category=printers)
    Ticket.objects.filter(subject="Three").update(category=hardware)
    categories = run("volume", agent, bucket="month").tables[2]
    totals = {c.label: sum(r[c.key] for r in categories.rows) for c in categories.columns[1:]}
    assert totals == {"Printers": 2, "Hardware": 1, "No category": 1, "Total": 4}
    # the category filter keeps a parent's subcategories too
    assert {f.key: f.value for f in run("volume", agent, category=str(hardware.pk)).figures}["created"] == 3


def test_filters_narrow_every_ticket_report(data, agent):
    result = run("volume", agent, channel="phone", product=str(data["router"].pk))
    assert figures(result)["created"] == 1


def test_percentile_cont_is_the_same_in_postgresql_and_the_sqlite_aggregate(db):
    assert percentile_cont([60, 120, 180], 0.9) == pytest.approx(168)
    assert percentile_cont([], 0.5) is None
    db = sqlite3.connect(":memory:")
    db.create_aggregate("hd_percentile_cont", 2, _Percentile)
    db.execute("CREATE TABLE t (x REAL)")
    db.executemany("INSERT INTO t VALUES (?)", [(120,), (None,), (60,), (180,)])
    assert db.execute("SELECT hd_percentile_cont(x, 0.9) FROM t").fetchone()[0] == pytest.approx(168)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY x) FROM (VALUES (120), (60), (180)) v(x)"
            )
            assert cursor.fetchone()[0] == pytest.approx(168)


def test_csv_is_utf8_with_a_bom_and_persian_names(data, client, agent):
    data["printer"].name_fa = "چاپگر"
    data["printer"].save()
    client.force_login(agent)
    client.cookies["django_language"] = "fa"
    response = client.get("/agent/reports/volume/", {"format": "csv", "bucket": "month"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert "چاپگر" in text and "attachment;" in response["Content-Disposition"]
    api = client.get("/api/v1/reports/volume/", {"format": "csv"})
    assert api.status_code == 200 and api.content.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("typed", ["1405/01/01", "۱۴۰۵/۰۱/۰۱", "1405-1-1", "2026-03-21"])
def test_jalali_dates_are_read_in_persian(db, typed):
    with translation.override("fa"):
        form = ReportForm({"start": typed, "end": typed}, report=REPORTS["volume"])
        assert form.is_valid(), form.errors
        assert form.cleaned_data["start"].isoformat() == "2026-03-21"
        assert 'value="۱۴۰۵/۰۱/۰۱"' in str(form["start"])


def test_bad_dates_are_refused_in_the_readers_calendar(db):
    with translation.override("fa"):
        form = ReportForm({"start": "1405/13/01"}, report=REPORTS["volume"])
        assert not form.is_valid() and "تقویم شمسی" in str(form.errors["start"])
    with translation.override("en"):
        assert not ReportForm({"start": "1405-01-01"}, report=REPORTS["volume"]).is_valid()
        assert not ReportForm({"start": "2026-03-02", "end": "2026-03-01"}, report=REPORTS["volume"]).is_valid()


@pytest.mark.parametrize("slug", REPORT_SLUGS)
def test_every_report_page_and_api_answers_agents_and_hides_from_customers(
    data, client, as_user, agent, customer, slug
):
    client.force_login(agent)
    assert client.get("/agent/reports/").status_code == 200
    page = client.get(f"/agent/reports/{slug}/")
    assert page.status_code == 200
    assert b"<svg" in page.content or slug in ("recurring", "sla")  # these two have no chart data here
    assert as_user(agent).get(f"/api/v1/reports/{slug}/").status_code == 200
    client.force_login(customer)
    assert client.get(f"/agent/reports/{slug}/").status_code == 404
    assert client.get("/agent/reports/").status_code == 404
    assert as_user(customer).get(f"/api/v1/reports/{slug}/").status_code == 404  # hidden, as every agent area
    assert as_user(customer).get(f"/api/v1/reports/{slug}/", {"format": "csv"}).status_code == 404


def test_the_api_answers_tables_and_refuses_bad_input(data, as_user, agent):
    body = as_user(agent).get("/api/v1/reports/resolution/", {"group_by": "channel"}).json()
    assert body["report"] == "resolution" and body["tables"][0]["columns"][0]["key"] == "group"
    assert {r["group"] for r in body["tables"][0]["rows"]} == {"Email", "Phone", "Portal"}
    assert as_user(agent).get("/api/v1/reports/nope/").status_code == 404
    assert as_user(agent).get("/api/v1/reports/volume/", {"bucket": "year"}).status_code == 400
    assert as_user(agent).get("/api/v1/reports/volume/", {"team": "x"}).status_code == 400


@pytest.mark.parametrize("slug", REPORT_SLUGS)
def test_a_report_page_runs_the_same_queries_whatever_the_data_size(data, client, agent, customer, slug):
    client.force_login(agent)
    client.get(f"/agent/reports/{slug}/")  # warm caches (the session, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/agent/reports/{slug}/").status_code == 200
    for index in range(6):
        make_ticket(
            requester=customer.contact, actor=agent, assignee=agent, product=data["router"], subject=f"More {index}"
        )
    with CaptureQueriesContext(connection) as large:
        client.get(f"/agent/reports/{slug}/")
    assert len(large) == len(small) <= 16


def test_trends_compare_the_range_with_the_days_before_it(db, customer, agent, team):
    from tickets.models import Category, RootCause, Ticket

    printers, network = Category.objects.create(name="Printers"), Category.objects.create(name="Network")
    toner, cable = RootCause.objects.create(name="Toner"), RootCause.objects.create(name="Cable")
    today = timezone.localdate()
    start = today - timedelta(days=9)  # a range of 10 days; the period before: the 10 days before it
    now = timezone.now()
    plan = [  # (days ago, category, root cause)
        (1, printers, toner),
        (2, printers, toner),
        (3, network, None),
        (12, printers, cable),
        (13, network, cable),
        (15, network, None),
        (25, network, cable),  # before both periods: not counted
    ]
    for days_ago, category, cause in plan:
        at = now - timedelta(days=days_ago)
        ticket = make_ticket(requester=customer.contact, actor=agent, team=team, subject=f"T{days_ago}", now=at)
        solved = {"status": "solved", "solved_at": at + timedelta(hours=1)} if cause else {}
        Ticket.objects.filter(pk=ticket.pk).update(category=category, root_cause=cause, **solved)
    result = run("trends", agent, start=start.isoformat(), end=today.isoformat())
    categories, causes = result.tables
    assert [(r["group"], r["now"], r["before"], r["change"], r["growth_percent"]) for r in categories.rows] == [
        ("Printers", 2, 1, 1, 100.0),
        ("Network", 1, 2, -1, -50.0),
    ]
    assert [(r["group"], r["now"], r["before"], r["growth_percent"]) for r in causes.rows] == [
        ("Toner", 2, 0, None),  # new this period: no growth rate
        ("Cable", 0, 2, -100.0),
    ]
    assert figures(result) == {"growing_categories": 1, "growing_root_causes": 1}
    assert result.chart.categories == ["Printers"]
    assert run("trends", agent, start=start.isoformat(), end=today.isoformat(), channel="phone").tables[0].rows == []
