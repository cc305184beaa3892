"""The worker side of "solve all linked incidents" (issue #15): a `ProblemSolveJob` row made by
`tickets.problems.services.problem_solve` is worked through in batches by the Celery task
`tickets.problems.tasks.problem_solve_run`, each incident through the ticket services.

Each incident is claimed by a conditional UPDATE of its item (pending -> solved) inside the
transaction that replies to and solves the ticket: a second worker, a redelivered task or the sweep
waits on the row and then finds nothing to claim, and a worker killed mid-ticket rolls the claim back
with the ticket's changes, so the incident is solved exactly once. A refused incident (closed
meanwhile, a rule) is marked failed with the reason and stops no other.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.exceptions import DomainError
from helpdesk.forms import service_error_text
from helpdesk.mail import recipient_locale
from helpdesk.models import User
from tickets.models import OPEN_STATUSES, ProblemSolveItem, ProblemSolveJob, RootCause, Status, Ticket
from tickets.services import ticket_edit, ticket_reply

# A job no batch touched for this long is queued again by the sweep (its task was lost).
STALLED_AFTER = timedelta(minutes=5)


@transaction.atomic
def solve_incident(*, ticket: Ticket, actor: User, reply: str, root_cause: RootCause | None) -> None:
    """One incident: its root cause when it has none, the reply with the move to solved (or the move)."""
    changes = {"root_cause": root_cause} if root_cause is not None and ticket.root_cause_id is None else {}
    if changes:
        ticket = ticket_edit(ticket=ticket, actor=actor, changes=changes)
    if reply.strip():
        ticket_reply(ticket=ticket, actor=actor, body=reply, internal=False, status=Status.SOLVED)
    else:
        ticket_edit(ticket=ticket, actor=actor, status=Status.SOLVED)


def _solve_item(*, job: ProblemSolveJob, item_id: int, ticket_id: int) -> None:
    now = timezone.now()
    try:
        with transaction.atomic():
            claimed = ProblemSolveItem.objects.filter(pk=item_id, state=ProblemSolveItem.State.PENDING).update(
                state=ProblemSolveItem.State.SOLVED, done_at=now
            )
            if not claimed:
                return  # another worker has it, or had it
            ticket = Ticket.objects.select_related("sla_policy", "requester__user").get(pk=ticket_id)
            if ticket.status not in OPEN_STATUSES:
                raise ValidationError(_("The ticket is no longer open."))
            if job.actor is None or not job.actor.is_active:
                raise ValidationError(_("The agent who started this is no longer active."))
            reply = job.reply_in(recipient_locale(contact=ticket.requester)["language"])
            solve_incident(ticket=ticket, actor=job.actor, reply=reply, root_cause=job.root_cause)
    except (ValidationError, DomainError) as exc:
        ProblemSolveItem.objects.filter(pk=item_id, state=ProblemSolveItem.State.PENDING).update(
            state=ProblemSolveItem.State.FAILED, reason=service_error_text(exc)[:255], done_at=now
        )


def _count(job: ProblemSolveJob, now: datetime) -> bool:
    """Stores the job's counts (its progress); finishes it when nothing is pending. True if more is."""
    counts = job.items.aggregate(
        solved=Count("pk", filter=Q(state=ProblemSolveItem.State.SOLVED)),
        failed=Count("pk", filter=Q(state=ProblemSolveItem.State.FAILED)),
        pending=Count("pk", filter=Q(state=ProblemSolveItem.State.PENDING)),
    )
    fields = {"solved": counts["solved"], "failed": counts["failed"], "updated_at": now}
    if counts["pending"]:
        ProblemSolveJob.objects.filter(pk=job.pk).exclude(state=ProblemSolveJob.State.DONE).update(**fields)
        return True
    ProblemSolveJob.objects.filter(pk=job.pk).exclude(state=ProblemSolveJob.State.DONE).update(
        state=ProblemSolveJob.State.DONE, finished_at=now, **fields
    )
    return False


def problem_solve_batch(*, job_id: int, limit: int) -> bool:
    """Solves up to `limit` pending incidents of the job, then stores its counts. True while more are
    pending (the task queues the next batch). Safe to run twice at once and again after a crash."""
    job = ProblemSolveJob.objects.select_related("actor", "root_cause").filter(pk=job_id).first()
    if job is None or job.state == ProblemSolveJob.State.DONE:
        return False
    ProblemSolveJob.objects.filter(pk=job.pk, state=ProblemSolveJob.State.QUEUED).update(
        state=ProblemSolveJob.State.RUNNING, updated_at=timezone.now()
    )
    pending = list(
        job.items.filter(state=ProblemSolveItem.State.PENDING).order_by("pk").values_list("pk", "ticket_id")[:limit]
    )
    for item_id, ticket_id in pending:
        _solve_item(job=job, item_id=item_id, ticket_id=ticket_id)
    return _count(job, timezone.now())


def problem_solve_stalled(*, now: datetime | None = None) -> list[int]:
    """The unfinished jobs no batch touched for STALLED_AFTER (their task was lost: a broker restart, a
    worker killed), stamped so the next sweep leaves them to the task it queues now."""
    now = now or timezone.now()
    ids = list(
        ProblemSolveJob.objects.exclude(state=ProblemSolveJob.State.DONE)
        .filter(updated_at__lt=now - STALLED_AFTER)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:100]
    )
    ProblemSolveJob.objects.filter(pk__in=ids).update(updated_at=now)
    return ids
