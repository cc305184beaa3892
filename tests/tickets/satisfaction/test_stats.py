"""The roll-up figures against a hand count on a small known dataset."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from customers.models import Contact
from helpdesk.models import NotificationLog
from tests.factories import ProductFactory, make_ticket
from tests.tickets.satisfaction.conftest import solve
from tickets import ratings, services, tasks
from tickets.models import SatisfactionSurvey
from tickets.satisfaction.stats import satisfaction_summary

pytestmark = pytest.mark.django_db
DAY1 = datetime(2026, 3, 2, 10, tzinfo=UTC)  # a Monday
DAY2 = datetime(2026, 3, 10, 10, tzinfo=UTC)  # the next week's Tuesday


@pytest.fixture
def dataset(customer, agent, other_agent, team, other_team):
    """Team A (agent): scores 5, 4, 1 on DAY1 and 3 on DAY2. Team B (other_agent): 2 on DAY2, one
    ticket surveyed and unrated. Surveys sent: 3 in team A (all answered), 2 in team B (1 answered)."""
    contact = Contact.objects.get(user=customer)
    product = ProductFactory()
    plan = [(team, agent, 5, DAY1, True), (team, agent, 4, DAY1, True), (team, agent, 1, DAY1, False)]
    plan += [(team, agent, 3, DAY2, True), (other_team, other_agent, 2, DAY2, True)]
    plan += [(other_team, other_agent, None, DAY2, True)]
    for i, (ticket_team, owner, score, moment, surveyed) in enumerate(plan):
        ticket = make_ticket(requester=contact, actor=customer, subject=f"T{i}", product=product if i < 2 else None)
        services.ticket_update(ticket=ticket, actor=agent, changes={"team": ticket_team, "assignee": owner})
        solve(ticket, agent)
        if surveyed:
            tasks.survey_sweep.apply()
            survey = SatisfactionSurvey.objects.get(ticket=ticket)
            NotificationLog.objects.filter(pk=survey.notification_id).update(sent_at=moment)
            SatisfactionSurvey.objects.filter(pk=survey.pk).update(queued_at=moment)
        if score is not None:
            ratings.rating_submit(ticket=ticket, contact=contact, score=score, now=moment)
    return {"product": product}


def by_key(summary):
    return {row.key: row for row in summary.rows}


def test_grouped_by_team(dataset, team, other_team, django_assert_num_queries):
    with django_assert_num_queries(4):  # ratings grouped, surveys grouped, and the two totals
        summary = satisfaction_summary(group="team")
    a, b = by_key(summary)[team.pk], by_key(summary)[other_team.pk]
    assert (a.ratings, a.average, a.distribution) == (4, 3.25, {1: 1, 2: 0, 3: 1, 4: 1, 5: 1})
    assert (a.satisfied_percent, a.surveys_sent, a.responded, a.response_rate) == (50.0, 3, 3, 100.0)
    assert (b.ratings, b.average, b.satisfied_percent, b.surveys_sent, b.responded, b.response_rate) == (
        1,
        2.0,
        0.0,
        2,
        1,
        50.0,
    )
    assert a.label == team.name
    total = summary.total
    assert (total.ratings, total.average, total.surveys_sent, total.responded) == (5, 3.0, 5, 4)
    assert total.satisfied_percent == 40.0 and total.response_rate == 80.0


def test_grouped_by_agent_and_product(dataset, agent, other_agent):
    agents = by_key(satisfaction_summary(group="agent"))
    assert agents[agent.pk].ratings == 4 and agents[other_agent.pk].ratings == 1
    products = by_key(satisfaction_summary(group="product"))
    assert products[dataset["product"].pk].distribution == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}
    assert products[None].ratings == 3 and products[None].label == ""


def test_grouped_by_day_week_and_month(dataset):
    tz = UTC
    days = by_key(satisfaction_summary(group="day", tz=tz))
    assert (days[DAY1.date()].ratings, days[DAY2.date()].ratings) == (3, 2)
    assert (days[DAY1.date()].surveys_sent, days[DAY2.date()].surveys_sent) == (2, 3)
    weeks = by_key(satisfaction_summary(group="week", tz=tz))
    assert set(weeks) == {date(2026, 3, 2), date(2026, 3, 9)}
    months = satisfaction_summary(group="month", tz=tz)
    assert [row.key for row in months.rows] == [date(2026, 3, 1)] and months.rows[0].ratings == 5


def test_a_date_range_counts_ratings_and_surveys_inside_it(dataset):
    summary = satisfaction_summary(group="team", date_from=DAY2 - timedelta(hours=1), date_to=DAY2 + timedelta(hours=1))
    assert summary.total.ratings == 2 and summary.total.surveys_sent == 3 and summary.total.responded == 2


def test_an_unknown_group_is_refused():
    with pytest.raises(ValueError):
        satisfaction_summary(group="colour")


def test_no_data_gives_empty_figures(db):
    summary = satisfaction_summary(group="team", date_to=timezone.now())
    assert summary.rows == [] and summary.total.average is None and summary.total.response_rate is None


def test_grouped_by_category(dataset, agent):
    from tickets.models import Category, SatisfactionRating, Ticket

    hardware = Category.objects.create(name="Hardware", name_fa="سخت‌افزار")
    first_two = SatisfactionRating.objects.order_by("created_at", "pk").values_list("ticket_id", flat=True)[:2]
    for ticket in Ticket.objects.filter(pk__in=list(first_two)):
        services.ticket_edit(ticket=ticket, actor=agent, changes={"category": hardware})
    rows = by_key(satisfaction_summary(group="category"))
    assert rows[hardware.pk].ratings == 2 and rows[hardware.pk].label == "Hardware"
    assert rows[None].ratings == 3  # the rest have no category


def test_the_satisfaction_report_shows_the_roll_up(dataset, agent, client, team):
    from tickets.reports import REPORTS
    from tickets.reports.params import ReportForm

    form = ReportForm({"start": "2026-03-01", "end": "2026-03-31", "group_by": "team"}, report=REPORTS["satisfaction"])
    assert form.is_valid(), form.errors
    result = REPORTS["satisfaction"].compute(form.params(user=agent))
    figures = {f.key: f.value for f in result.figures}
    assert (figures["ratings"], figures["average"], figures["satisfied"], figures["response_rate"]) == (
        5,
        3.0,
        40.0,
        80.0,
    )
    rows = {row["group"]: row for row in result.tables[0].rows}
    assert rows[team.name]["score_5"] == 1 and rows[team.name]["response_rate"] == 100.0
    client.force_login(agent)
    page = client.get("/agent/reports/satisfaction/?start=2026-03-01&end=2026-03-31").content.decode()
    assert "Response rate" in page and "80.0%" in page


def test_the_satisfaction_report_filters_by_the_tickets_dimensions(dataset, agent, other_agent, other_team):
    from tickets.reports import REPORTS
    from tickets.reports.params import ReportForm

    def figures(**query):
        form = ReportForm({"start": "2026-03-01", "end": "2026-03-31", **query}, report=REPORTS["satisfaction"])
        assert form.is_valid(), form.errors
        return {f.key: f.value for f in REPORTS["satisfaction"].compute(form.params(user=agent)).figures}

    # team B alone: one rating of 2 and two surveys, one answered (the hand count of the fixture)
    team_b = figures(team=str(other_team.pk))
    assert (team_b["ratings"], team_b["average"], team_b["response_rate"]) == (1, 2.0, 50.0)
    assert figures(agent=str(other_agent.pk)) == team_b
    # the product is on the first two tickets of team A: scores 5 and 4, both surveyed and rated
    product = figures(product=str(dataset["product"].pk))
    assert (product["ratings"], product["average"], product["satisfied"], product["response_rate"]) == (
        2,
        4.5,
        100.0,
        100.0,
    )
    assert figures(channel="phone")["ratings"] == 0  # every ticket here came through the portal
