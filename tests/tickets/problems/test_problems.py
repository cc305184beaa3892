"""Problem records: linking and unlinking incidents (events), "solve the problem" through the ticket
services (reply, status, events, mail per ticket), the pages with fixed query counts, bulk link,
the API, and customers kept out of all of it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk.exceptions import NotAllowed
from helpdesk.models import NotificationLog
from tickets import services as ticket_services
from tickets.models import EventKind, Message, Problem, Status, Ticket, TicketEvent
from tickets.problems import services
from tickets.problems.solving import problem_solve_batch

pytestmark = pytest.mark.django_db


def solve(**kwargs):
    """problem_solve, then its job's batches as the worker runs them: the incidents solved, and the
    refused ones with the reason."""
    job = services.problem_solve(**kwargs)
    if job is None:
        return [], []
    while problem_solve_batch(job_id=job.pk, limit=2):
        pass
    items = job.items.order_by("pk")
    return (
        [i.ticket_id for i in items if i.state == "solved"],
        [(i.ticket_id, i.reason) for i in items if i.state == "failed"],
    )


def test_linking_records_an_internal_event_on_each_incident(problem, incidents):
    for ticket in incidents:
        event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PROBLEM_LINKED)
        assert event.new_value == problem.title and event.data == {"problem": problem.pk} and not event.public
    assert set(problem.incidents.values_list("pk", flat=True)) == {t.pk for t in incidents}


def test_linking_again_changes_nothing_and_moving_names_both_problems(problem, incidents, agent):
    assert services.problem_link(problem=problem, tickets=incidents[:1], actor=agent) == []
    other = services.problem_create(actor=agent, title="DNS outage")
    services.problem_link(problem=other, tickets=incidents[:1], actor=agent)
    moved = TicketEvent.objects.filter(ticket=incidents[0], kind=EventKind.PROBLEM_LINKED).latest("id")
    assert (moved.old_value, moved.new_value) == ("VPN gateway overloaded", "DNS outage")
    assert Ticket.objects.get(pk=incidents[0].pk).problem == other


def test_unlinking_records_an_event_and_is_false_the_second_time(problem, incidents, agent):
    assert services.problem_unlink(problem=problem, ticket=incidents[1], actor=agent) is True
    assert Ticket.objects.get(pk=incidents[1].pk).problem is None
    assert TicketEvent.objects.filter(ticket=incidents[1], kind=EventKind.PROBLEM_UNLINKED).count() == 1
    assert services.problem_unlink(problem=problem, ticket=incidents[1], actor=agent) is False


def test_customers_cannot_write_problems(customer, incidents):
    with pytest.raises(NotAllowed):
        services.problem_create(actor=customer, title="Mine")


def test_solving_the_problem_answers_and_solves_each_open_incident(problem, incidents, agent):
    ticket_services.ticket_change_status(ticket=incidents[2], actor=agent, status=Status.SOLVED)
    before = NotificationLog.objects.filter(template="ticket_solved").count()
    solved, failed = solve(problem=problem, actor=agent, reply="We replaced the VPN gateway.")
    assert sorted(solved) == sorted(t.pk for t in incidents[:2]) and failed == []
    problem.refresh_from_db()
    assert problem.status == Problem.Status.SOLVED and problem.solved_at is not None
    for ticket in incidents[:2]:
        ticket.refresh_from_db()
        assert ticket.status == Status.SOLVED
        reply = Message.objects.get(ticket=ticket, author_user=agent)
        assert not reply.internal and "replaced the VPN gateway" in reply.body_text
        assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REPLIED).count() == 1
        assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED, new_value="solved").count() == 1
        assert NotificationLog.objects.get(template="agent_reply", ticket_id=ticket.pk).context["solved"] is True
    # the incident solved before got no second reply
    assert not Message.objects.filter(ticket=incidents[2], author_user=agent).exists()
    # each reply says it is solved: one mail per incident, no separate solved mail
    assert NotificationLog.objects.filter(template="ticket_solved").count() == before


def test_a_closed_incident_is_reported_and_stops_no_other(problem, incidents, agent):
    solve(problem=problem, actor=agent, solve_incidents=False)
    ticket_services.ticket_change_status(ticket=incidents[0], actor=agent, status=Status.SOLVED)
    ticket_services.ticket_change_status(ticket=incidents[0], actor=agent, status=Status.CLOSED)
    ticket_services.ticket_change_status(ticket=incidents[1], actor=agent, status=Status.OPEN)
    solved, _failed = solve(problem=problem, actor=agent, reply="Fixed.")
    assert sorted(solved) == sorted([incidents[1].pk, incidents[2].pk])  # closed ones are not open


def test_solving_without_incidents_touches_no_ticket(problem, incidents, agent):
    assert services.problem_solve(problem=problem, actor=agent, solve_incidents=False) is None
    assert Ticket.objects.filter(status=Status.SOLVED).count() == 0


def test_with_required_root_causes_solving_all_needs_one_and_gives_it(
    require_root_cause, problem, incidents, agent, root_causes
):
    with pytest.raises(ValidationError) as caught:
        services.problem_solve(problem=problem, actor=agent, reply="Fixed.")
    assert "root_cause" in caught.value.message_dict
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.OPEN
    solved, _failed = solve(problem=problem, actor=agent, reply="Fixed.", root_cause=root_causes["config"])
    assert len(solved) == 3
    assert set(Ticket.objects.filter(pk__in=solved).values_list("root_cause", flat=True)) == {root_causes["config"].pk}


# --- pages --------------------------------------------------------------------------------------


def _many_problems(agent, count):
    for n in range(count):
        services.problem_create(actor=agent, title=f"Problem {n}", owner=agent, status="known_error")


def test_the_list_runs_a_fixed_number_of_queries(agent_client, agent, problem, django_assert_max_num_queries):
    # 1 session, 2 user, 3 the page of problems (+owner, team, root cause; incident counts in the same
    # query), 4-6 the "new problem" form's agents, teams and root causes
    for count in (0, 30):
        _many_problems(agent, count)
        with django_assert_max_num_queries(6):
            response = agent_client.get(reverse("agent:problems"))
        assert response.status_code == 200
    assert "VPN gateway overloaded" in response.content.decode()


def test_the_list_filters_by_status(agent_client, agent, problem):
    _many_problems(agent, 2)
    body = agent_client.get(reverse("agent:problems"), {"status": "known_error"}).content.decode()
    assert "Problem 1" in body and "VPN gateway overloaded" not in body


def test_the_detail_runs_a_fixed_number_of_queries(agent_client, agent, problem, make, django_assert_max_num_queries):
    def load():
        # 1 session, 2 user, 3 the problem (+owner, team, root cause, creator; counts), 4 the page of
        # incidents (+requester, organization, assignee, team), 5-7 the edit form's agents, teams and
        # root causes, 8 the solve form's root causes, 9 the latest "solve all" run
        with django_assert_max_num_queries(9):
            response = agent_client.get(reverse("agent:problem", args=[problem.pk]))
        assert response.status_code == 200
        return response

    load()
    services.problem_link(problem=problem, tickets=[make(subject=f"VPN {n}") for n in range(20)], actor=agent)
    assert len(load().context["incidents"].rows) == 23


def test_solving_from_the_page_queues_the_job_and_shows_its_progress(
    agent_client, problem, incidents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = agent_client.post(
            reverse("agent:problem-solve", args=[problem.pk]),
            {"solve_incidents": "on", "reply": "The gateway was replaced."},
            follow=True,
        )
    assert response.status_code == 200 and len(queued) == 1
    page = response.content.decode()
    assert "its 3 open incidents are being solved in the background" in page
    assert "0 of 3 done: 0 solved, 0 not solved." in page and "every 3s" in page
    job = problem.solve_jobs.get()
    while problem_solve_batch(job_id=job.pk, limit=2):
        pass
    card = agent_client.get(reverse("agent:problem-solve-progress", args=[problem.pk])).content.decode()
    assert "3 of 3 done: 3 solved, 0 not solved." in card and "every 3s" not in card
    assert Ticket.objects.filter(pk__in=[t.pk for t in incidents], status=Status.SOLVED).count() == 3


def test_the_ticket_page_links_a_new_problem_and_unlinks_it(agent_client, agent, ticket):
    response = agent_client.post(reverse("agent:ticket-problem", args=[ticket.pk]), {"title": "Printers offline"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.problem.title == "Printers offline" and ticket.problem.created_by == agent
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "Printers offline" in page and '<bdi class="ev-new">Printers offline</bdi>' in page
    agent_client.post(reverse("agent:problem-unlink", args=[ticket.problem_id, ticket.pk]), {"next": "ticket"})
    assert Ticket.objects.get(pk=ticket.pk).problem is None


def test_bulk_links_the_selected_tickets(agent_client, agent, make):
    problem = services.problem_create(actor=agent, title="Mail delays")
    tickets = [make(subject=f"Mail late {n}") for n in range(3)]
    response = agent_client.post(
        reverse("agent:ticket-bulk"), {"tickets": [t.pk for t in tickets], "action": "problem", "problem": problem.pk}
    )
    assert response.status_code == 302
    assert problem.incidents.count() == 3
    assert TicketEvent.objects.filter(ticket__in=tickets, kind=EventKind.PROBLEM_LINKED).count() == 3


def test_customers_never_reach_the_problem_pages(client, customer, problem, acme_ticket):
    client.force_login(customer)
    assert client.get(reverse("agent:problems")).status_code == 404
    assert client.get(reverse("agent:problem", args=[problem.pk])).status_code == 404
    assert client.post(reverse("agent:ticket-problem", args=[acme_ticket.pk]), {"title": "x"}).status_code == 404
    page = client.get(reverse("portal:ticket", args=[problem.incidents.first().pk])).content.decode()
    assert problem.title not in page


# --- API ----------------------------------------------------------------------------------------


def test_the_api_creates_links_lists_and_unlinks(as_user, agent, make):
    api = as_user(agent)
    tickets = [make(subject=f"Login fails {n}") for n in range(2)]
    response = api.post("/api/v1/problems/", {"title": "SSO broken", "tickets": [tickets[0].pk]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["incident_count"], body["status"]) == (1, "open")
    url = f"/api/v1/problems/{body['id']}/"
    assert api.post(url + "incidents/", {"tickets": [tickets[1].pk]}, format="json").status_code == 200
    listed = api.get(url + "incidents/").json()["results"]
    assert [row["id"] for row in listed] == [t.pk for t in tickets]
    assert api.delete(url + f"incidents/{tickets[0].pk}/").status_code == 204
    assert api.delete(url + f"incidents/{tickets[0].pk}/").status_code == 404
    assert api.patch(url, {"status": "known_error", "cause": "Expired certificate"}, format="json").json()[
        "status"
    ] == ("known_error")
    assert api.get(f"/api/v1/tickets/{tickets[1].pk}/").json()["problem"] == body["id"]


def test_the_api_queues_the_job_and_reports_its_counts(
    as_user, agent, problem, incidents, django_capture_on_commit_callbacks
):
    ticket_services.ticket_change_status(ticket=incidents[0], actor=agent, status=Status.SOLVED)
    ticket_services.ticket_change_status(ticket=incidents[0], actor=agent, status=Status.OPEN)
    with django_capture_on_commit_callbacks() as queued:
        response = as_user(agent).post(f"/api/v1/problems/{problem.pk}/solve/", {"reply": "Fixed."}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["problem"]["status"] == "solved" and len(queued) == 1
    assert (body["job"]["state"], body["job"]["total"], body["job"]["solved"]) == ("queued", 3, 0)
    Ticket.objects.filter(pk=incidents[0].pk).update(status=Status.CLOSED)  # closed meanwhile
    while problem_solve_batch(job_id=body["job"]["id"], limit=2):
        pass
    job = as_user(agent).get(f"/api/v1/problems/{problem.pk}/solve/").json()["job"]
    assert (job["state"], job["solved"], job["failed"]) == ("done", 2, 1)
    assert job["failures"] == [{"ticket": incidents[0].pk, "detail": "The ticket is no longer open."}]


def test_the_api_list_runs_a_fixed_number_of_queries(as_user, agent, problem, django_assert_max_num_queries):
    api = as_user(agent)
    for count in (0, 20):
        _many_problems(agent, count)
        # 1 user (token/session), 2 the page (+counts, owner, team), 3 the count of the page
        with django_assert_max_num_queries(4):
            assert api.get("/api/v1/problems/").status_code == 200


def test_only_admins_delete_a_problem(as_user, agent, admin_user, problem):
    assert as_user(agent).delete(f"/api/v1/problems/{problem.pk}/").status_code == 403
    assert as_user(admin_user).delete(f"/api/v1/problems/{problem.pk}/").status_code == 204
    assert not Problem.objects.filter(pk=problem.pk).exists()


@pytest.mark.parametrize("persona", ["customer", "other_customer"])
def test_customers_get_404_on_every_problem_operation(request, as_user, persona, problem, incidents):
    api = as_user(request.getfixturevalue(persona))
    url = f"/api/v1/problems/{problem.pk}/"
    assert api.get("/api/v1/problems/").status_code == 404
    assert api.post("/api/v1/problems/", {"title": "x"}, format="json").status_code == 404
    assert api.get(url).status_code == 404
    assert api.get(url + "incidents/").status_code == 404
    assert api.post(url + "solve/", {}, format="json").status_code == 404
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.OPEN
