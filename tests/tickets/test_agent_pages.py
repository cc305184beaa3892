"""Agent workspace pages: who may see them, what they show, and how many queries they take."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ContactFactory
from tickets import services
from tickets.models import Referral, SlaState, Status, Ticket

pytestmark = pytest.mark.django_db

PAGES = ["agent:home", "agent:tickets", "agent:ticket-new", "agent:call-new"]


@pytest.mark.parametrize("name", PAGES)
def test_agent_pages_render_for_an_agent(agent_client, ticket, name):
    assert agent_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_agent_pages_do_not_exist_for_a_customer(client, customer, name):
    client.force_login(customer)
    assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_ticket_page_renders_for_an_agent_and_404s_for_a_customer(client, agent, customer, ticket):
    url = reverse("agent:ticket", args=[ticket.pk])
    assert url == f"/agent/tickets/{ticket.pk}/"  # the notification emails link here
    client.force_login(customer)
    assert client.get(url).status_code == 404
    client.force_login(agent)
    response = client.get(url)
    assert response.status_code == 200
    assert "Printer on fire" in response.content.decode()


def test_ticket_page_of_a_missing_ticket_is_404(agent_client):
    assert agent_client.get(reverse("agent:ticket", args=[999999])).status_code == 404


# --- the list ---------------------------------------------------------------------------------


def test_list_filters_by_status_priority_assignee_tag_and_text(agent_client, agent, make):
    hot = make(subject="Invoice missing", priority="urgent", tags=["billing"])
    cold = make(subject="Question about colours", priority="low")
    services.ticket_update(ticket=cold, actor=agent, changes={"assignee": agent})

    def subjects(**params):
        params.setdefault("view", "all")
        return agent_client.get(reverse("agent:tickets"), params).content.decode()

    assert "Invoice missing" in subjects(priority="urgent") and "colours" not in subjects(priority="urgent")
    assert "colours" in subjects(assignee="me") and "Invoice" not in subjects(assignee="me")
    assert "Invoice missing" in subjects(assignee="none") and "colours" not in subjects(assignee="none")
    assert "Invoice missing" in subjects(tag="billing") and "colours" not in subjects(tag="billing")
    assert "Invoice missing" in subjects(q="invoice") and "colours" not in subjects(q="invoice")
    assert "colours" in subjects(status="open") and "Invoice missing" not in subjects(status="open")
    assert "Invoice missing" in subjects(q=f"#{hot.pk}")


def test_search_without_a_view_looks_at_every_ticket(agent_client, agent, make):
    done = make(subject="Toner ordered")
    services.ticket_change_status(ticket=done, actor=agent, status=Status.SOLVED)
    assert "Toner ordered" in agent_client.get(reverse("agent:tickets"), {"q": "toner"}).content.decode()


def test_views_show_counts_and_split_the_queue(agent_client, agent, make):
    mine = make(subject="Mine to do")
    services.ticket_update(ticket=mine, actor=agent, changes={"assignee": agent})
    make(subject="Nobody has it")
    waiting = make(subject="Waiting on customer")
    services.ticket_change_status(ticket=waiting, actor=agent, status=Status.PENDING)
    page = agent_client.get(reverse("agent:tickets"), {"view": "mine"})
    body = page.content.decode()
    assert "Mine to do" in body and "Nobody has it" not in body
    counts = agent_client.get(reverse("agent:ticket-tab-counts"))  # the tabs' counts, loaded after the page
    tabs = {tab.key: tab.count for tab in counts.context["tabs"]}
    assert tabs == {
        "mine": "1",
        "unassigned": "2",
        "open": "3",
        "pending": "1",
        "on_hold": "0",
        "solved": "0",
        "all": "3",
    }
    body = agent_client.get(reverse("agent:tickets"), {"view": "unassigned"}).content.decode()
    assert "Nobody has it" in body and "Mine to do" not in body


def test_list_sorts_by_sla_due_and_priority(agent_client, make):
    from datetime import timedelta

    from django.utils import timezone

    late = make(subject="Due first", priority="low")
    early = make(subject="Urgent one", priority="urgent")
    Ticket.objects.filter(pk=late.pk).update(resolution_due_at=timezone.now() + timedelta(hours=1))
    Ticket.objects.filter(pk=early.pk).update(resolution_due_at=None, first_response_due_at=None)
    by_due = agent_client.get(reverse("agent:tickets"), {"sort": "due"}).context["page"].rows
    assert by_due[0].pk == late.pk
    by_priority = agent_client.get(reverse("agent:tickets"), {"sort": "priority"}).context["page"].rows
    assert by_priority[0].pk == early.pk


def test_list_pages_by_fifty_without_counting_everything(agent_client, make):
    for n in range(51):
        make(subject=f"Bulk ticket {n}")
    first = agent_client.get(reverse("agent:tickets"), {"view": "all"})
    assert len(first.context["page"].rows) == 50 and first.context["page"].has_next
    assert 'rel="next"' in first.content.decode()
    second = agent_client.get(reverse("agent:tickets"), {"view": "all", "page": 2})
    assert len(second.context["page"].rows) == 1 and not second.context["page"].has_next
    assert 'rel="prev"' in second.content.decode()


def test_list_shows_sla_time_left_and_overdue(agent_client, make):
    from datetime import timedelta

    from django.utils import timezone

    soon = make(subject="Soon due")
    late = make(subject="Already late")
    Ticket.objects.filter(pk=soon.pk).update(
        resolution_due_at=timezone.now() + timedelta(hours=2, minutes=30), sla_state=SlaState.WARNING
    )
    Ticket.objects.filter(pk=late.pk).update(
        resolution_due_at=timezone.now() - timedelta(hours=3, minutes=5), sla_state=SlaState.BREACHED
    )
    body = agent_client.get(reverse("agent:tickets")).content.decode()
    assert "sla-warning" in body and "2h 29m left" in body or "2h 30m left" in body
    assert "sla-breached" in body and "3h 5m overdue" in body


def _list_queries(django_assert_max_num_queries, agent_client):
    # 1 the session with its user (helpdesk.session_store), 2 saved views (+owner, team joined), 3 the
    # pickers in one UNION ALL (pickers.pickers_load(people=True)): custom statuses, categories (parents
    # joined), agents, teams (with the user's own, for the "save this view" form), 4 the page of rows (the
    # ticket table alone, values()), 5 their requesters, organizations, teams, assignees and tags
    # (selectors.ticket_rows: one UNION ALL). The tab counts and the bulk bar's pickers load after the page.
    with django_assert_max_num_queries(5):
        response = agent_client.get(reverse("agent:tickets"), {"view": "all"})
    assert response.status_code == 200
    return response


def test_list_query_count_does_not_grow_with_rows(django_assert_max_num_queries, agent_client, make, requester):
    make(subject="The only one")
    _list_queries(django_assert_max_num_queries, agent_client)
    others = [ContactFactory(organization=requester.organization) for _ in range(7)]
    for n in range(49):
        make(subject=f"Row {n}", requester=others[n % 7], tags=[f"t{n % 3}"])
    response = _list_queries(django_assert_max_num_queries, agent_client)
    assert len(response.context["page"].rows) == 50


# --- the ticket page --------------------------------------------------------------------------


def test_ticket_page_shows_notes_events_referrals_and_attachments(agent_client, agent, other_team, ticket):
    from tickets.attachments.store import IncomingFile

    services.ticket_reply(
        ticket=ticket,
        actor=agent,
        body="Please send a photo",
        attachments=[IncomingFile(name="shot.png", content=b"\x89PNG fake", content_type="image/png")],
    )
    services.ticket_reply(ticket=ticket, actor=agent, body="Customer sounds upset", internal=True)
    services.ticket_update(ticket=ticket, actor=agent, changes={"priority": "high"})
    services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Was the invoice paid?")
    body = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "ag-msg-note" in body and "Internal note" in body and "Customer sounds upset" in body
    assert "shot.png" in body
    assert "Priority" in body and "Normal" in body and "High" in body  # old → new with labels
    assert "Referred to <bdi>Billing</bdi>" in body and "Was the invoice paid?" in body


def test_ticket_page_in_persian_uses_jalali_dates_and_translated_labels(agent, client, ticket):
    agent.language = "fa"
    agent.save()
    client.force_login(agent)
    with translation.override("fa"):
        body = client.get(reverse("agent:ticket", args=[ticket.pk]), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert 'dir="rtl"' in body
    assert "۱۴" in body  # a Jalali year in Persian digits


def test_answered_referral_prompts_to_tell_the_customer(agent_client, agent, other_agent, other_team, ticket):
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Refund possible?")
    services.referral_answer(referral=referral, actor=other_agent, answer="Yes, refund approved.")
    body = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "callout-action" in body and "Yes, refund approved." in body
    services.referral_mark_customer_informed(referral=referral, actor=agent)
    assert "callout-action" not in agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()


def test_ticket_page_lists_links_from_and_to_the_ticket(agent_client, agent, ticket, make):
    parent = make(subject="The outage itself")
    child = make(subject="Another report of it")
    services.ticket_link(ticket=ticket, other=parent, kind="related", actor=agent)
    services.ticket_link(ticket=child, other=ticket, kind="related", actor=agent)
    # the refer / link / problem panel, which the page loads after itself (tickets.workspace.side_views)
    body = agent_client.get(reverse("agent:ticket-side", args=[ticket.pk])).content.decode()
    assert f"#{parent.pk} The outage itself" in body and f"#{child.pk} Another report of it" in body
    # links from it first, then those to it
    assert body.index(f"#{parent.pk} The outage itself") < body.index(f"#{child.pk} Another report of it")


def _ticket_queries(django_assert_max_num_queries, agent_client, ticket):
    # 1 the session with its user (helpdesk.session_store), 2 the ticket's own row joined to its
    # requester, organization, team, assignee, custom status and product (one prepared statement; its
    # other terms are the sidebar's), 3 the timeline: messages, their attachments, events, referrals and
    # the people and teams they name (one UNION ALL, tickets.timeline_reads), 4 the composer's pickers:
    # the active activity types (its time box) and the macros I may use (one UNION ALL,
    # tickets.workspace.pickers). The sidebar's forms and
    # lists (properties with the tags, the customer card with the contract and SLA, other tickets, refer /
    # link / problem, knowledge base) are panels loaded after the page (test_side_panels.py).
    with django_assert_max_num_queries(4):
        response = agent_client.get(reverse("agent:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    return response


def test_ticket_page_query_count_does_not_grow_with_messages(
    django_assert_max_num_queries, agent_client, agent, ticket
):
    from tickets.attachments.store import IncomingFile

    _ticket_queries(django_assert_max_num_queries, agent_client, ticket)
    for n in range(29):
        services.ticket_reply(
            ticket=ticket,
            actor=agent,
            body=f"Answer {n}",
            internal=n % 2 == 0,
            attachments=[IncomingFile(name=f"f{n}.txt", content=b"x", content_type="text/plain")],
        )
    response = _ticket_queries(django_assert_max_num_queries, agent_client, ticket)
    assert response.context["message_count"] == 30


def test_home_lists_my_work_breaches_and_referrals(agent_client, agent, team, other_team, make):
    mine = make(subject="Assigned to me")
    services.ticket_update(ticket=mine, actor=agent, changes={"assignee": agent})
    breached = make(subject="Way too late")
    Ticket.objects.filter(pk=breached.pk).update(sla_state=SlaState.BREACHED)
    foreign = make(subject="Billing question", team=other_team)
    services.ticket_refer(ticket=foreign, actor=agent, to_team=team, note="Can first line check the account?")
    response = agent_client.get(reverse("agent:home"))
    body = response.content.decode()
    assert "Assigned to me" in body and "Way too late" in body and "Can first line check the account?" in body
    assert response.context["breached"]["count"] == "1"
    assert Referral.objects.count() == 1


def _home_queries(django_assert_max_num_queries, agent_client):
    # 1 the session with its user (helpdesk.session_store), 2 my team ids, 3 open referrals to my teams
    # (+ticket, teams), 4 the four lists' and the referrals' capped counts (one query), 5-8 each list's
    # (mine, unassigned, due soon, breached) first rows from the ticket table alone.
    with django_assert_max_num_queries(8):
        response = agent_client.get(reverse("agent:home"))
    assert response.status_code == 200
    return response


def test_home_query_count_does_not_grow_with_rows(django_assert_max_num_queries, agent_client, agent, team, make):
    _home_queries(django_assert_max_num_queries, agent_client)
    for n in range(12):
        ticket = make(subject=f"Home row {n}")
        changes = {"assignee": agent} if n % 2 else {}
        if changes:
            services.ticket_update(ticket=ticket, actor=agent, changes=changes)
        Ticket.objects.filter(pk=ticket.pk).update(sla_state=(SlaState.WARNING, SlaState.BREACHED)[n % 2])
    response = _home_queries(django_assert_max_num_queries, agent_client)
    for name in ("mine", "warning", "breached"):
        assert len(response.context[name]["rows"]) == 6, name
        assert response.context[name]["count"] == "6", name
    assert response.context["unassigned"]["count"] == "6"
    assert "Home row 11" in response.content.decode()


def test_home_empty_states_say_what_to_do(agent_client):
    body = agent_client.get(reverse("agent:home")).content.decode()
    assert "Nothing is assigned to you" in body and "No other team is waiting on yours." in body


def test_home_and_list_open_for_an_admin_in_no_team(client, admin_user, make):
    """Their teams' queues are empty sets (no SQL at all); counting them must not fail the page."""
    make(subject="Someone else's work")
    client.force_login(admin_user)
    assert client.get(reverse("agent:home")).status_code == 200
    assert client.get(reverse("agent:tickets"), {"view": "unassigned"}).status_code == 200


def test_contact_lookup_finds_contacts_for_the_new_ticket_form(agent_client, requester, client, customer):
    body = agent_client.get(reverse("agent:contact-lookup"), {"email": "carla@"}).content.decode()
    assert requester.email in body
    client.force_login(customer)
    assert client.get(reverse("agent:contact-lookup"), {"email": "carla@"}).status_code == 404


def test_a_refused_list_filter_is_marked_on_its_picker(agent_client):
    response = agent_client.get(reverse("agent:tickets"), {"status": "bogus", "priority": "high"})
    body = response.content.decode()
    assert response.status_code == 400
    assert '<select name="status" aria-invalid="true" aria-describedby="id_status_error" id="id_status">' in body
    assert '<option value="high" selected>High</option>' in body  # the accepted filter stays chosen
