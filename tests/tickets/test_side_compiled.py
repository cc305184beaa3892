"""The ticket page's sidebar reads whose statements are compiled once per process (tickets.workspace
.side_views and what it calls): each finds what the ORM's queryset finds, for two tickets (or users) in
a row, so neither a stand-in nor the first caller's values ever reach the next; and what is scoped to a
user stays scoped."""

from itertools import product

import pytest
from django.db import connection
from django.db.models import Count, Model, Q, Sum
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Product
from helpdesk.exceptions import NotAllowed
from helpdesk.models import Team
from tests import factories
from tests.tickets.conftest import contact_of
from tests.tickets.satisfaction.conftest import solve
from tests.tickets.test_agent_kb import make_article
from tickets import kb_integration, ratings, selectors, services
from tickets.feedback import services as feedback_services
from tickets.feedback.forms import LINK_CHOICES_CAP, OPEN_ITEM_STATUSES, LinkItemForm
from tickets.feedback.selectors import feedback_links_of_ticket
from tickets.models import (
    ActivityType,
    FeedbackItem,
    FeedbackLink,
    Macro,
    Problem,
    RatingFollowUp,
    RootCause,
    SatisfactionRating,
    SatisfactionSurvey,
    Tag,
    Ticket,
    TicketLink,
    TimeEntry,
)
from tickets.opportunities import services as opportunity_services
from tickets.opportunities.forms import OpportunityForm
from tickets.opportunities.selectors import opportunities_of_ticket
from tickets.problems import services as problem_services
from tickets.problems.selectors import problem_choices
from tickets.satisfaction import surveys
from tickets.satisfaction.selectors import TicketSatisfaction, ticket_satisfaction
from tickets.timetrack import selectors as time_selectors
from tickets.timetrack import services as time_services
from tickets.workspace import macros, pickers, side_views
from tickets.workspace.ticket_forms import TicketPropertiesForm

pytestmark = pytest.mark.django_db


def _described(value, path: tuple = ()):
    """What a read loaded: a model instance's columns, the related rows it carries (a row already on the
    path, as a one-to-one's reverse side, by its primary key alone) and its prefetched lists."""
    if isinstance(value, list | tuple):
        return [_described(item, path) for item in value]
    if not isinstance(value, Model):
        return value
    if id(value) in path:
        return (type(value).__name__, value.pk)
    path = (*path, id(value))
    return (
        type(value).__name__,
        {name: item for name, item in vars(value).items() if not name.startswith("_")},
        {name: _described(item, path) for name, item in value._state.fields_cache.items()},
        {name: _described(list(rows), path) for name, rows in getattr(value, "_prefetched_objects_cache", {}).items()},
    )


@pytest.fixture
def two(agent, other_agent, customer, other_customer, make):
    """Two tickets of different requesters, each with its own time, links, items, opportunities, articles
    and tags; the first solved, rated badly (a follow-up) and surveyed, the second none of these."""
    first = make(subject="Printer on fire")
    second = make(subject="Globex issue", requester=contact_of(other_customer))
    make(subject="Toner is empty")  # the first requester's other ticket
    make(subject="Invoice", requester=contact_of(other_customer))  # the second's
    for ticket, minutes in ((first, (30, 10, 15)), (second, (45,))):
        for i, spent in enumerate(minutes):
            actor = (agent, other_agent)[i % 2]
            time_services.time_entry_log(ticket=ticket, actor=actor, time=time_services.TimeSpent(minutes=spent))
        ticket.tags.add(*(Tag.objects.get_or_create(name=f"{ticket.subject[:7]}-{i}")[0] for i in range(2)))
        feedback_services.feedback_item_create(actor=agent, title=f"Item of {ticket.subject}", tickets=[ticket])
        opportunity_services.opportunity_create(ticket=ticket, actor=agent, kind="renewal")
        kb_integration.article_usage_record(
            ticket=ticket, article=make_article(agent, title=f"About {ticket.subject}"), actor=agent, mode="link"
        )
    opportunity_services.opportunity_create(ticket=second, actor=agent, kind="upgrade")
    services.ticket_link(ticket=first, other=second, kind="related", actor=agent)
    services.ticket_link(ticket=make(subject="Parent"), other=first, kind="related", actor=agent)
    solve(first, agent)
    surveys.survey_sweep(now=timezone.now())
    ratings.rating_submit(ticket=first, contact=first.requester, score=1, comment="Still broken")
    return [Ticket.objects.get(pk=first.pk), Ticket.objects.get(pk=second.pk)]


def test_ticket_bare_for_finds_what_the_orm_finds_and_hides_what_a_user_may_not_see(
    agent,
    customer,
    colleague,
    other_customer,
    private_customer,
    private_colleague,
    two,
    private_ticket,
    make,
    monkeypatch,
):
    monkeypatch.setattr(selectors, "_VISIBLE", {})  # compiled by the first read below
    Ticket.objects.filter(pk=two[0].pk).update(merged_into=two[1])  # customers no longer see it
    tickets = (*two, private_ticket, make(subject="Shared with Acme"))
    users = (agent, customer, other_customer, colleague, private_customer, private_colleague, agent)
    seen = []
    for user in users:
        seen.append([])
        for ticket in tickets:
            qs = selectors.ticket_base_for(user=user).defer("search_document", "search_vector")
            expected = qs.filter(pk=ticket.pk).first()
            if expected is None:
                with pytest.raises(Http404):
                    selectors.ticket_bare_for(user=user, ticket_id=ticket.pk)
            else:
                assert _described(selectors.ticket_bare_for(user=user, ticket_id=ticket.pk)) == _described(expected)
                seen[-1].append(ticket.subject)
    everything = [ticket.subject for ticket in tickets]
    acme, globex, initech = ["Shared with Acme"], ["Globex issue"], ["Private matter"]
    assert seen == [everything, acme, globex, acme, initech, [], everything]


def _orm_time(user, ticket):
    """ticket_time_for as it read before: the totals, the minutes per agent, the latest entries."""
    entries = TimeEntry.objects.filter(ticket=ticket).order_by()
    totals = entries.aggregate(total=Sum("minutes"), n=Count("pk"))
    rows = entries.values("agent_id", "agent__full_name", "agent__email").annotate(minutes=Sum("minutes"))
    by_agent = [
        (row["agent__full_name"] or row["agent__email"], row["minutes"])
        for row in rows.order_by("-minutes", "agent_id")
    ]
    latest = time_selectors.time_entry_list_for(user=user, filters={"ticket": ticket.pk}).select_related("message")
    return totals["total"] or 0, totals["n"] or 0, by_agent, _described(list(latest[:10]))


def test_a_tickets_time_is_what_the_orm_reads_and_only_agents_read_it(agent, customer, two, make):
    for ticket in (*two, make(subject="No time"), two[0]):
        time = time_selectors.ticket_time_for(user=agent, ticket=ticket)
        assert (time.total_minutes, time.count, time.by_agent, _described(time.latest)) == _orm_time(agent, ticket)
    assert time_selectors.ticket_time_for(user=agent, ticket=two[0]).total_minutes == 55
    with pytest.raises(Http404):
        time_selectors.ticket_time_for(user=customer, ticket=two[0])


def test_satisfaction_is_what_first_read_and_a_rating_is_its_requesters_alone(
    agent, customer, colleague, other_customer, two
):
    for ticket in (*two, two[0]):
        found = ticket_satisfaction(user=agent, ticket=ticket)
        assert _described([found.rating, found.survey, found.follow_up]) == _described(
            [
                SatisfactionRating.objects.filter(ticket=ticket).first(),
                SatisfactionSurvey.objects.select_related("notification").filter(ticket=ticket).first(),
                RatingFollowUp.objects.select_related("resolved_by", "rating")
                .filter(ticket=ticket)
                .order_by("-created_at", "-id")
                .first(),
            ]
        )
    first = ticket_satisfaction(user=agent, ticket=two[0])
    assert first.rating.score == 1 and first.survey is not None and first.follow_up.rating_id == first.rating.pk
    assert ticket_satisfaction(user=agent, ticket=two[1]) == TicketSatisfaction(None, None, None)
    assert ticket_satisfaction(user=customer, ticket=two[0]).rating.pk == first.rating.pk
    # the requester's colleague sees the shared ticket, never its rating; nor does another customer
    for user in (colleague, other_customer):
        assert ticket_satisfaction(user=user, ticket=two[0]) == TicketSatisfaction(None, None, None)


def test_the_feedback_and_sales_panel_reads_what_the_orm_reads_and_nothing_for_customers(agent, customer, two):
    for ticket in (*two, two[0]):
        links = FeedbackLink.objects.filter(ticket=ticket).select_related("item").order_by("created_at", "pk")
        assert _described(feedback_links_of_ticket(user=agent, ticket=ticket)) == _described(list(links))
        opportunities = ticket.opportunities.select_related("owner", "product").order_by("-created_at", "-id")
        assert _described(opportunities_of_ticket(user=agent, ticket=ticket)) == _described(list(opportunities))
    assert [len(opportunities_of_ticket(user=agent, ticket=ticket)) for ticket in two] == [1, 2]
    assert feedback_links_of_ticket(user=customer, ticket=two[0]) == []
    assert opportunities_of_ticket(user=customer, ticket=two[0]) == []


def test_the_panels_pickers_offer_what_their_querysets_offer(agent, two):
    for i in range(3):
        factories.ProductFactory(name=f"Product {3 - i}", is_active=i != 1)
        problem_services.problem_create(actor=agent, title=f"Problem {i}")
    feedback_services.feedback_item_create(actor=agent, title="Shipped", status=FeedbackItem.Status.SHIPPED)
    products = Product.objects.filter(is_active=True).order_by("name")
    offered = [("", "The ticket's"), *((str(p.pk), str(p)) for p in products)]
    assert list(OpportunityForm().fields["product"].choices) == offered
    # the sidebar hands it the products its pickers read: the same offer, no query of its own
    read = pickers.pickers_load(user=agent, statuses=False, categories=False, products=True).products
    with CaptureQueriesContext(connection) as queries:
        assert list(OpportunityForm(products=read).fields["product"].choices) == offered
    assert len(queries) == 0
    items = FeedbackItem.objects.filter(status__in=OPEN_ITEM_STATUSES).order_by("-updated_at", "-id")
    assert LinkItemForm().fields["item"].choices == [
        ("", "Choose…"),
        *((str(i.pk), f"{i.pk} · {i.title}") for i in items[:LINK_CHOICES_CAP]),
    ]
    unsolved = Problem.objects.exclude(status=Problem.Status.SOLVED).order_by("-updated_at", "-id").only("pk", "title")
    assert _described(problem_choices()) == _described(list(unsolved[:200]))
    assert _described(problem_choices(limit=2)) == _described(list(unsolved[:2]))
    with CaptureQueriesContext(connection) as queries:
        assert OpportunityForm({"kind": "renewal", "product": str(products[0].pk)}).is_valid()
    assert len(queries) == 1  # the submitted product's check: a form that is not shown reads no choices


def test_the_links_and_the_articles_used_are_what_the_orm_reads(agent, two):
    for ticket in (*two, two[0]):
        links = TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket)).select_related(
            "from_ticket", "to_ticket"
        )
        links = links.only("kind", "from_ticket_id", "to_ticket_id", "from_ticket__subject", "to_ticket__subject")
        expected = sorted(links.order_by("pk"), key=lambda link: link.from_ticket_id != ticket.pk)
        assert _described(side_views._links(ticket)) == _described(expected)
        usages = ticket.article_usages.select_related("article", "used_by").order_by("-used_at", "-id")
        assert _described(kb_integration.article_usage_list_for_ticket(ticket=ticket)) == _described(list(usages))
    assert [len(side_views._links(ticket)) for ticket in two] == [2, 1]


def _pickers(found: pickers.Pickers) -> tuple:
    teams = [[(t.pk, t.name, t.name_fa, t.is_active) for t in ts] for ts in (found.teams, found.my_teams)]
    composer = [(a.pk, a.display_name) for a in found.activities], [(m.pk, m.name) for m in found.macros]
    products = [(p.pk, p.name, p.name_fa, str(p)) for p in found.products]
    return found.categories, found.root_causes, found.statuses, found.agents, teams, composer, products


def test_each_choice_of_pickers_is_what_its_union_reads_for_each_agent(agent, other_agent, team, monkeypatch):
    monkeypatch.setattr(pickers, "_PICKERS", {})  # compiled by the first agent below
    agent.teams.add(Team.objects.create(name="Old nights", slug="old-nights", is_active=False))
    RootCause.objects.create(name="Wear")
    ActivityType.objects.create(name="Call", name_fa="تماس", position=2)
    ActivityType.objects.create(name="Analysis", position=1)
    ActivityType.objects.create(name="Retired", position=0, is_active=False)
    macros.macro_create(actor=agent, name="Mine", body="x")
    macros.macro_create(actor=other_agent, name="Theirs", body="x", shared_with_team=Team.objects.get(name="Billing"))
    Macro.objects.create(owner=other_agent, name="Everyone's", body="x", is_global=True)
    factories.ProductFactory(name="Zeta", name_fa="زتا")
    factories.ProductFactory(name="Alpha")
    factories.ProductFactory(name="Beta", is_active=False)
    names = ("statuses", "categories", "root_causes", "people", "activities", "macros", "products")
    for shape in product([True, False], repeat=len(names)):
        if not any(shape):
            continue
        lists = dict(zip(names, shape, strict=True))
        for user in (agent, other_agent, agent):
            rows = sorted(pickers._query(user, **lists), key=lambda row: (row[0], row[6], row[2], row[1]))
            assert _pickers(pickers.pickers_load(user=user, **lists)) == _pickers(pickers.pickers_from_rows(rows))
    with pytest.raises(ValueError, match="no picker"):
        pickers.pickers_load(user=agent, statuses=False, categories=False)
    assert [p.name for p in pickers.pickers_load(user=agent, products=True).products] == ["Alpha", "Zeta"]
    mine = [t.name for t in pickers.pickers_load(user=agent, people=True).my_teams]
    assert mine == ["First line", "Old nights"]
    assert [t.name for t in pickers.pickers_load(user=other_agent, people=True).my_teams] == ["Billing"]


def test_the_properties_form_shows_each_tickets_own_tags(agent, two):
    for ticket in (*two, two[0]):
        bare = selectors.ticket_bare_for(user=agent, ticket_id=ticket.pk)
        tags = ", ".join(tag.name for tag in ticket.tags.all())
        assert TicketPropertiesForm(user=agent, ticket=bare).initial["tags"] == tags != ""
        loaded = selectors.ticket_get_for(user=agent, ticket_id=ticket.pk)  # tags prefetched: not read again
        with CaptureQueriesContext(connection) as queries:
            assert TicketPropertiesForm(user=agent, ticket=loaded).initial["tags"] == tags
        assert not [q for q in queries if "tickets_tag" in q["sql"]]


def test_the_requesters_other_tickets_are_what_the_orm_reads_for_agents_only(agent, customer, two):
    for ticket in (*two, two[0]):
        others = (
            selectors.ticket_base_for(user=agent)
            .filter(requester_id=ticket.requester_id)
            .exclude(pk=ticket.pk)
            .order_by("-updated_at", "-id")
            .values(*selectors.LIST_FIELDS)[: side_views.OTHER_TICKETS_SHOWN]
        )
        rows = side_views._other_tickets(agent, ticket)["other_tickets"]
        assert [row.pk for row in rows] == [row["id"] for row in others] != []
    assert [row.subject for row in side_views._other_tickets(agent, two[1])["other_tickets"]] == ["Invoice"]
    with pytest.raises(NotAllowed):
        side_views._other_tickets(customer, two[0])


def test_the_sidebar_reads_no_list_through_a_server_side_cursor(agent_client, ticket):
    """A ModelChoiceField iterates its queryset with a cursor of its own (DECLARE, FETCH, CLOSE: three
    round trips); the sidebar's pickers read lists instead."""
    with CaptureQueriesContext(connection) as queries:
        response = agent_client.get(reverse("agent:ticket-side", args=[ticket.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not [q for q in queries if "DECLARE" in q["sql"]]
