"""The ticket page's parts written outside templates (issue #22): the timeline in Python
(tickets.workspace.timeline_html), the ticket's terms in one query (tickets.ticket_terms), and the
timeline fragment htmx refreshes."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import BusinessCalendar, Contact, Product, SlaPolicy, SlaTarget
from customers.services import contract_create
from tickets import selectors, services
from tickets.attachments.store import IncomingFile
from tickets.models import Category, Message, RootCause, Ticket
from tickets.models.email import InboundEmail
from tickets.problems import services as problem_services

pytestmark = pytest.mark.django_db


def _page(client, ticket) -> str:
    response = client.get(reverse("agent:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_timeline_shows_thumbnails_only_for_safe_images_and_links_every_file(agent_client, agent, ticket):
    services.ticket_reply(
        ticket=ticket,
        actor=agent,
        body="Three files",
        attachments=[
            IncomingFile(
                name="shot.png", content=b"\x89PNG\r\n\x1a\nfake", content_type="image/png"
            ),  # a PNG signature
            IncomingFile(name="logo.svg", content=b"<svg/>", content_type="image/svg+xml"),
            IncomingFile(name="log.txt", content=b"x" * 2048, content_type="text/plain"),
        ],
    )
    body = _page(agent_client, ticket)
    assert body.count('class="thumb"') == 1 and 'alt="shot.png"' in body  # no thumbnail of an SVG
    assert '<bdi class="file-name">logo.svg</bdi>' in body
    assert '<bdi class="file-name">log.txt</bdi></a>' in body
    assert "2.0\xa0KB" in body
    assert 'aria-label="Attachments"' in body


def test_timeline_marks_review_links_the_original_email_and_names_an_unknown_sender(agent_client, ticket):
    message = ticket.messages.get()
    inbound = InboundEmail.objects.create(raw="inbound/x.eml", sender="someone@example.test")
    Message.objects.filter(pk=message.pk).update(
        needs_review=True, inbound_email=inbound, author_user=None, author_contact=None
    )
    body = _page(agent_client, ticket)
    assert '<span class="badge sla-warning">Needs review</span>' in body
    original = reverse("agent:message-original", args=[ticket.pk, message.pk])
    assert f'<a class="small" href="{original}" download>Original email</a>' in body
    assert "<strong><bdi>Unknown sender</bdi></strong>" in body


def test_timeline_escapes_what_people_wrote(agent_client, agent, requester, team):
    requester.full_name = '<script>alert("x")</script>'
    requester.save()
    ticket = services.ticket_open(actor=agent, requester=requester, subject="Escape", body="hi", channel="api")
    body = _page(agent_client, ticket)
    assert '<script>alert("x")</script>' not in body
    assert "<strong><bdi>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</bdi></strong>" in body


def test_timeline_in_persian_has_jalali_dates_and_translated_badges(agent, client, ticket):
    agent.language = "fa"
    agent.save()
    client.force_login(agent)
    body = _page(client, ticket)
    timeline = body[body.index('<ol class="timeline"') : body.index("</ol>")]
    assert "۱۴۰۵" in timeline  # the Jalali year, Persian digits
    assert "Customer</span>" not in timeline


# --- the timeline fragment --------------------------------------------------------------------


def test_timeline_fragment_is_the_pages_timeline(agent_client, agent, ticket):
    services.ticket_reply(ticket=ticket, actor=agent, body="Second", internal=True)
    page = _page(agent_client, ticket)
    fragment = agent_client.get(reverse("agent:ticket-timeline", args=[ticket.pk])).content.decode()
    timeline = page[page.index('<ol class="timeline"') : page.index("</ol>") + 5]
    assert fragment.startswith(timeline)
    last_event = ticket.events.order_by("-pk").first().pk
    assert f'id="last-event" value="{last_event}" hx-swap-oob="true"' in fragment


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_timeline_fragment_does_not_exist_for_customers(client, ticket, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("agent:ticket-timeline", args=[ticket.pk])).status_code == 404


def test_timeline_fragment_sends_anonymous_visitors_to_sign_in(client, ticket):
    response = client.get(reverse("agent:ticket-timeline", args=[ticket.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_timeline_fragment_query_count_does_not_grow_with_messages(
    django_assert_max_num_queries, agent_client, agent, ticket
):
    url = reverse("agent:ticket-timeline", args=[ticket.pk])
    for n in range(2):
        # 1 the session with its user, 2 the ticket's row joined to its requester, organization, team,
        # assignee, custom status and product (no tags: the timeline shows none), 3 messages, their
        # attachments, events and referrals with the people and teams they name (one union,
        # tickets.timeline_reads)
        with django_assert_max_num_queries(3):
            assert agent_client.get(url).status_code == 200
        for i in range(15):
            services.ticket_reply(
                ticket=ticket,
                actor=agent,
                body=f"Answer {n}-{i}",
                attachments=[IncomingFile(name=f"f{i}.txt", content=b"x", content_type="text/plain")],
            )


# --- the ticket's terms -----------------------------------------------------------------------


@pytest.fixture
def termed_ticket(agent, requester, ticket):
    """The ticket with a product, a contract of two products, an SLA policy with a target, a category
    under a parent, a root cause and a problem."""
    zeta = Product.objects.create(name="Zeta mail", code="zeta", policy_text="Mail policy")
    alpha = Product.objects.create(name="Alpha cloud", code="alpha")
    calendar = BusinessCalendar.objects.create(name="Office")
    policy = SlaPolicy.objects.create(name="Standard", calendar=calendar)
    SlaTarget.objects.update_or_create(
        policy=policy, priority=ticket.priority, defaults={"first_response_minutes": 90, "resolution_minutes": 600}
    )
    contract = contract_create(
        name="Care <2026>",
        organization=requester.organization,
        sla_policy=policy,
        valid_from=date(2020, 1, 1),
        products=[zeta, alpha],
    )
    ServiceContract = type(contract)
    ServiceContract.objects.filter(pk=contract.pk).update(annual_value=Decimal("1200.50"))
    parent = Category.objects.create(name="Billing")
    child = Category.objects.create(name="Invoices", parent=parent)
    cause = RootCause.objects.create(name="User error")
    problem = problem_services.problem_create(actor=agent, title="Invoice run failed", tickets=[ticket])
    Ticket.objects.filter(pk=ticket.pk).update(
        product=zeta, contract=contract, sla_policy=policy, category=child, root_cause=cause
    )
    return {"ticket": ticket, "problem": problem, "contract": contract, "policy": policy}


def test_ticket_terms_are_read_in_one_query(agent, termed_ticket):
    ticket_id = termed_ticket["ticket"].pk
    with CaptureQueriesContext(connection) as queries:
        ticket = selectors.ticket_get_for(user=agent, ticket_id=ticket_id)
        # what the page reads of them: no lazy query
        read = (
            ticket.product.name,
            ticket.contract.name,
            [p.name for p in ticket.contract.products.all()],
            ticket.contract.annual_value,
            ticket.contract.valid_from,
            ticket.sla_policy.display_name,
            ticket.sla_target.first_response_minutes,
            ticket.category.parent.name,
            ticket.category.name,
            ticket.root_cause.name,
            ticket.problem.title,
            ticket.problem.created_at,
        )
    assert len(queries) == 3  # the ticket, its tags, its terms
    assert read[:5] == ("Zeta mail", "Care <2026>", ["Alpha cloud", "Zeta mail"], Decimal("1200.50"), date(2020, 1, 1))
    assert read[6:11] == (90, "Billing", "Invoices", "User error", "Invoice run failed")
    assert read[11] == termed_ticket["problem"].created_at


def test_tickets_of_one_shape_share_a_statement_and_each_gets_its_own_terms(agent, requester, termed_ticket):
    """The terms' statement is compiled once per shape (which ids the ticket has): a second ticket of the
    same shape gets its own category, root cause and its priority's SLA target, never the first's."""
    from tickets import ticket_terms

    first = termed_ticket["ticket"]
    first.refresh_from_db()  # the fixture set its terms with update()
    policy = termed_ticket["policy"]
    SlaTarget.objects.update_or_create(
        policy=policy, priority="urgent", defaults={"first_response_minutes": 15, "resolution_minutes": 120}
    )
    other = services.ticket_open(actor=agent, requester=requester, subject="Second", body="b", channel="phone")
    Ticket.objects.filter(pk=other.pk).update(
        product=first.product_id,
        contract=first.contract_id,
        sla_policy=policy,
        category=Category.objects.create(name="Refunds", parent=Category.objects.get(name="Billing")),
        root_cause=RootCause.objects.create(name="Bug"),
        problem=termed_ticket["problem"],
        team=first.team_id,
        assignee=agent,
        priority="urgent",
    )
    Ticket.objects.filter(pk=first.pk).update(assignee=agent)
    ticket_terms._COMPILED.clear()
    one = selectors.ticket_get_for(user=agent, ticket_id=first.pk)
    two = selectors.ticket_get_for(user=agent, ticket_id=other.pk)
    assert len(ticket_terms._COMPILED) == 1  # one shape, one statement
    assert (one.category.name, one.root_cause.name, one.sla_target.first_response_minutes) == (
        "Invoices",
        "User error",
        90,
    )
    assert (two.category.name, two.category.parent.name, two.root_cause.name) == ("Refunds", "Billing", "Bug")
    assert two.sla_target.first_response_minutes == 15 and two.subject == "Second"
    assert selectors.ticket_get_for(user=agent, ticket_id=first.pk).sla_target.first_response_minutes == 90


def test_a_ticket_without_terms_reads_its_people_in_the_one_query_of_its_terms(agent, ticket):
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])
    with CaptureQueriesContext(connection) as queries:
        loaded = selectors.ticket_get_for(user=agent, ticket_id=ticket.pk)
        assert loaded.contract is None and loaded.problem is None and loaded.sla_target is None
        people = (loaded.requester.email, loaded.organization.name, loaded.team.name, loaded.assignee.email)
        assert loaded.custom_status is None and loaded.product is None
    assert len(queries) == 3  # the ticket's own row, its tags, its people (and terms: it has none)
    assert "JOIN" not in queries[0]["sql"]  # the ticket's query joins nothing
    assert people == (ticket.requester.email, ticket.organization.name, ticket.team.name, agent.email)


def test_ticket_page_shows_the_terms(agent_client, termed_ticket):
    """In the customer card and the problem card, panels htmx loads after the page (the page itself
    reads no terms)."""
    ticket = termed_ticket["ticket"]
    page = _page(agent_client, ticket)
    assert "Care &lt;2026&gt;" not in page and 'id="customer-slot"' in page
    side = agent_client.get(reverse("agent:ticket-side", args=[ticket.pk]), HTTP_HX_REQUEST="true")
    body = side.content.decode()
    assert "<strong><bdi>Care &lt;2026&gt;</bdi></strong>" in body
    assert body.index("Alpha cloud") < body.index("Zeta mail")  # contract products by name
    assert "Mail policy" in body
    assert "Invoice run failed" in body  # the problem card
    assert "1h 30m" in body  # the SLA target of its priority


def test_a_customer_gets_no_tags_and_no_other_organizations_ticket(client, customer, other_customer, ticket):
    customer.contact = Contact.objects.get(user=customer)
    with CaptureQueriesContext(connection) as queries:
        selectors.ticket_get_for(user=customer, ticket_id=ticket.pk, with_terms=False)
    assert not any("tickets_tag" in q["sql"] for q in queries.captured_queries)
    client.force_login(other_customer)
    assert client.get(reverse("portal:ticket", args=[ticket.pk])).status_code == 404
