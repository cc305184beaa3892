""" "Solve all linked incidents" as a Celery job (issue #15): a row first, batches on a real worker,
each incident claimed so none is solved twice (two workers at once, a redelivered task, the sweep),
progress and counts on the page and in the API, and customers kept out."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from helpdesk.celery import app
from tests.conftest import wait_for
from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets.models import Message, ProblemSolveItem, ProblemSolveJob, Status
from tickets.problems import services, tasks
from tickets.problems.solving import problem_solve_batch, problem_solve_stalled


def replies(ticket_ids, agent) -> dict[int, int]:
    return {pk: Message.objects.filter(ticket_id=pk, author_user=agent, internal=False).count() for pk in ticket_ids}


@pytest.mark.django_db
def test_solving_again_while_a_run_is_unfinished_answers_that_run(problem, incidents, agent):
    first = services.problem_solve(problem=problem, actor=agent, reply="Fixed.")
    again = services.problem_solve(problem=problem, actor=agent, reply="Fixed again.")
    assert again.pk == first.pk and ProblemSolveJob.objects.count() == 1
    assert first.total == 3 and first.items.count() == 3
    while problem_solve_batch(job_id=first.pk, limit=1):
        pass
    assert problem_solve_batch(job_id=first.pk, limit=10) is False  # a redelivered task finds nothing
    assert set(replies([t.pk for t in incidents], agent).values()) == {1}
    first.refresh_from_db()
    assert (first.state, first.solved, first.failed, first.finished_at is not None) == ("done", 3, 0, True)


@pytest.mark.django_db
def test_an_item_claimed_by_another_worker_is_left_alone(problem, incidents, agent):
    job = services.problem_solve(problem=problem, actor=agent, reply="Fixed.")
    taken = job.items.order_by("pk").first()
    ProblemSolveItem.objects.filter(pk=taken.pk).update(state="solved")  # as if another worker had it
    while problem_solve_batch(job_id=job.pk, limit=5):
        pass
    assert replies([taken.ticket_id], agent) == {taken.ticket_id: 0}


@pytest.mark.django_db
def test_an_inactive_starter_fails_each_incident_with_the_reason(problem, incidents, agent):
    job = services.problem_solve(problem=problem, actor=agent, reply="Fixed.")
    type(agent).objects.filter(pk=agent.pk).update(is_active=False)
    problem_solve_batch(job_id=job.pk, limit=10)
    job.refresh_from_db()
    assert (job.state, job.solved, job.failed) == ("done", 0, 3)
    assert set(job.items.values_list("reason", flat=True)) == {"The agent who started this is no longer active."}


@pytest.mark.django_db
def test_the_sweep_queues_again_a_run_whose_task_was_lost(problem, incidents, agent):
    job = services.problem_solve(problem=problem, actor=agent, reply="Fixed.")
    assert problem_solve_stalled() == []  # just queued: its task is on its way
    ProblemSolveJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=6))
    assert problem_solve_stalled() == [job.pk]
    assert problem_solve_stalled() == []  # stamped: the next sweep leaves it to the task queued now
    entry = app.conf.beat_schedule["problem-solve-sweep"]
    assert entry["task"] == tasks.problem_solve_sweep.name and entry["schedule"] == 300.0


@pytest.mark.django_db
def test_customers_get_404_for_the_run_on_pages_and_api(client, as_user, customer, problem, incidents, agent):
    services.problem_solve(problem=problem, actor=agent, reply="Fixed.")
    client.force_login(customer)
    assert client.get(reverse("agent:problem-solve-progress", args=[problem.pk])).status_code == 404
    assert client.post(reverse("agent:problem-solve", args=[problem.pk]), {"solve_incidents": "on"}).status_code == 404
    assert as_user(customer).get(f"/api/v1/problems/{problem.pk}/solve/").status_code == 404
    assert as_user(customer).post(f"/api/v1/problems/{problem.pk}/solve/", {}, format="json").status_code == 404
    assert as_user(agent).get("/api/v1/problems/999999/solve/").status_code == 404


@pytest.mark.django_db
def test_the_progress_card_runs_a_fixed_number_of_queries(
    agent_client, agent, problem, incidents, customer, team, django_assert_max_num_queries
):
    job = services.problem_solve(problem=problem, actor=agent, reply="Fixed.")
    ProblemSolveItem.objects.filter(job=job).update(state="failed", reason="Refused")
    ProblemSolveJob.objects.filter(pk=job.pk).update(failed=3, state="done", finished_at=timezone.now())
    url = reverse("agent:problem-solve-progress", args=[problem.pk])
    agent_client.get(url)  # warm up (the session's last-seen write)
    # 1 session, 2 user, 3 the problem, 4 the latest run, 5 its failures (tickets joined)
    with django_assert_max_num_queries(5):
        assert "0 solved, 3 not solved" in agent_client.get(url).content.decode()
    more = [make_ticket(requester=contact_of(customer), subject=f"More {n}", team=team) for n in range(10)]
    services.problem_link(problem=problem, tickets=more, actor=agent)
    job = services.problem_solve(problem=problem, actor=agent, reply="Fixed.")
    ProblemSolveItem.objects.filter(job=job).update(state="failed", reason="Refused")
    ProblemSolveJob.objects.filter(pk=job.pk).update(failed=13, state="done", finished_at=timezone.now())
    with django_assert_max_num_queries(5):
        assert "13 not solved" in agent_client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_solve_each_incident_once(problem, incidents, agent):
    job = services.problem_solve(problem=problem, actor=agent, reply="Fixed.")
    errors = []

    def work():
        try:
            while problem_solve_batch(job_id=job.pk, limit=1):
                pass
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert set(replies([t.pk for t in incidents], agent).values()) == {1}
    assert ProblemSolveJob.objects.get(pk=job.pk).solved == 3


@pytest.mark.worker
def test_a_real_worker_solves_the_incidents_through_the_api(celery_worker, as_user, agent, problem, incidents):
    response = as_user(agent).post(f"/api/v1/problems/{problem.pk}/solve/", {"reply": "Replaced."}, format="json")
    assert response.status_code == 202
    job_id = response.json()["job"]["id"]
    tasks.problem_solve_run.delay(job_id)  # a duplicate delivery changes nothing
    assert wait_for(lambda: ProblemSolveJob.objects.get(pk=job_id).state == "done", timeout=60)
    assert set(replies([t.pk for t in incidents], agent).values()) == {1}
    assert {t.status for t in type(incidents[0]).objects.filter(pk__in=[t.pk for t in incidents])} == {Status.SOLVED}
    assert as_user(agent).get(f"/api/v1/problems/{problem.pk}/solve/").json()["job"]["solved"] == 3
