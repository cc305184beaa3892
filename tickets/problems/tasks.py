"""Thin Celery jobs of problems: "solve all linked incidents" a batch at a time (tickets.problems.solving)."""

from celery import shared_task
from django.conf import settings

from helpdesk.aftercommit import enqueue_now
from tickets.problems import solving


@shared_task(soft_time_limit=600, time_limit=660)
def problem_solve_run(job_id: int) -> bool:
    """One batch of HELPDESK_PROBLEM_SOLVE_BATCH incidents; the next batch is its own job."""
    more = solving.problem_solve_batch(job_id=job_id, limit=settings.HELPDESK_PROBLEM_SOLVE_BATCH)
    if more:
        enqueue_now(problem_solve_run, job_id)
    return more


@shared_task
def problem_solve_sweep() -> int:
    """Queues again the runs whose task was lost (a job is a row first; the broker only wakes workers)."""
    stalled = solving.problem_solve_stalled()
    for job_id in stalled:
        enqueue_now(problem_solve_run, job_id)
    return len(stalled)
