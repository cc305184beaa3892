"""Every write to problem records: create, change, link and unlink incidents, and "solve the problem"
(a job, tickets.problems.solving, answers and solves every linked open incident through the ticket
services, in batches).

Pages, the API, the bulk action and the admin call these; customers may do none of it (403), and
never see a problem (tickets.problems.selectors).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.aftercommit import enqueue_on_commit
from helpdesk.models import Team, User
from helpdesk.permissions import require_admin, require_agent
from tickets import events, selectors
from tickets.models import OPEN_STATUSES, EventKind, Problem, ProblemSolveItem, ProblemSolveJob, RootCause, Ticket
from tickets.problems import tasks
from tickets.services.common import _lock
from tickets.services.status import root_cause_required

# What problem_update may change besides the status.
PROBLEM_FIELDS = ("title", "description", "cause", "root_cause", "owner", "team")


def _check(problem: Problem) -> None:
    errors: dict[str, list[str]] = {}
    problem.title = (problem.title or "").strip()
    if not problem.title:
        errors["title"] = [_("Give the problem a title.")]
    if problem.owner is not None and not problem.owner.is_agent:
        errors["owner"] = [_("The owner must be an agent.")]
    if problem.status not in Problem.Status.values:
        errors["status"] = [_("Unknown status.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def problem_create(
    *,
    actor: User,
    title: str,
    description: str = "",
    cause: str = "",
    status: str = Problem.Status.OPEN,
    root_cause: RootCause | None = None,
    owner: User | None = None,
    team: Team | None = None,
    tickets: Sequence[Ticket] = (),
    now: datetime | None = None,
) -> Problem:
    """A new problem record (agents only), its incidents linked at once (each one the actor may see)."""
    require_agent(actor)
    now = now or timezone.now()
    problem = Problem(
        title=title,
        description=(description or "").strip(),
        cause=(cause or "").strip(),
        status=status,
        root_cause=root_cause,
        owner=owner,
        team=team,
        created_by=actor,
        created_at=now,
        updated_at=now,
        solved_at=now if status == Problem.Status.SOLVED else None,
    )
    _check(problem)
    problem.save()
    if tickets:
        problem_link(problem=problem, tickets=tickets, actor=actor, now=now)
    return problem


@transaction.atomic
def problem_update(
    *, problem: Problem, actor: User, changes: Mapping[str, Any], now: datetime | None = None
) -> Problem:
    """Change fields and/or the status (solved sets `solved_at`, leaving solved clears it). Changing
    the status here touches no incident; `problem_solve` is the action that solves them too."""
    require_agent(actor)
    now = now or timezone.now()
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    for name in PROBLEM_FIELDS:
        if name in changes:
            value = changes[name]
            setattr(problem, name, value if value is not None or name in ("root_cause", "owner", "team") else "")
    status = changes.get("status")
    if status and status != problem.status:
        problem.status = status
        problem.solved_at = now if status == Problem.Status.SOLVED else None
    _check(problem)
    problem.updated_at = now
    problem.save()
    return problem


def problem_delete(*, problem: Problem, actor: User) -> None:
    """Only administrators delete a problem; its incidents stay, unlinked."""
    require_admin(actor)
    problem.delete()


@transaction.atomic
def problem_link(
    *, problem: Problem, tickets: Sequence[Ticket], actor: User, now: datetime | None = None
) -> list[Ticket]:
    """Make tickets incidents of `problem` (a ticket of another problem moves to this one); one event on
    each ticket that changed. Every ticket must be one the actor may see, else nothing is linked (404).
    Returns the tickets that changed."""
    require_agent(actor)
    now = now or timezone.now()
    changed = []
    for ticket in selectors.tickets_all_visible(user=actor, tickets=tickets):
        ticket = _lock(ticket)
        if ticket.problem_id == problem.pk:
            continue
        old = ticket.problem
        ticket.problem = problem
        ticket.save(update_fields=["problem"])
        events.event_record(
            ticket=ticket,
            kind=EventKind.PROBLEM_LINKED,
            actor=actor,
            field="problem",
            old=old.title if old else "",
            new=problem.title,
            data={"problem": problem.pk, **({"previous_problem": old.pk} if old else {})},
            at=now,
        )
        changed.append(ticket)
    if changed:
        Problem.objects.filter(pk=problem.pk).update(updated_at=now)
    return changed


@transaction.atomic
def problem_unlink(*, problem: Problem, ticket: Ticket, actor: User, now: datetime | None = None) -> bool:
    """Take a ticket out of a problem's incidents; False when it was not one of them."""
    require_agent(actor)
    now = now or timezone.now()
    selectors.tickets_all_visible(user=actor, tickets=[ticket])
    ticket = _lock(ticket)
    if ticket.problem_id != problem.pk:
        return False
    ticket.problem = None
    ticket.save(update_fields=["problem"])
    events.event_record(
        ticket=ticket,
        kind=EventKind.PROBLEM_UNLINKED,
        actor=actor,
        field="problem",
        old=problem.title,
        data={"problem": problem.pk},
        at=now,
    )
    Problem.objects.filter(pk=problem.pk).update(updated_at=now)
    return True


def problem_solve(
    *,
    problem: Problem,
    actor: User,
    reply: str = "",
    reply_fa: str = "",
    solve_incidents: bool = True,
    root_cause: RootCause | None = None,
    now: datetime | None = None,
) -> ProblemSolveJob | None:
    """Mark the problem solved and, with `solve_incidents`, queue a job that posts the reply on every
    linked open incident and solves it: `reply` (English) and/or `reply_fa` (Persian), at least one
    (a 400 on `reply`); each customer gets the text in their language, else the other one. Each incident
    goes through the ticket services in a transaction of its own (tickets.problems.solving), so SLA, mail, events and webhooks happen per ticket and one refused
    ticket stops no other. `root_cause` (default the problem's) is given to incidents without one;
    with HELPDESK_REQUIRE_ROOT_CAUSE it is needed up front (a 400 on `root_cause`). Returns the job
    (None without `solve_incidents` or open incidents); while one runs, solving again returns it."""
    require_agent(actor)
    root_cause = root_cause or problem.root_cause
    open_incidents = list(
        problem.incidents.filter(status__in=OPEN_STATUSES).order_by("pk").values_list("pk", "root_cause")
    )
    if not solve_incidents:
        open_incidents = []
    if solve_incidents and not (reply.strip() or reply_fa.strip()):
        raise ValidationError({"reply": [_("Write the reply in English or in Persian (or both).")]})
    lacking = [pk for pk, cause in open_incidents if cause is None]
    if lacking and root_cause is None and root_cause_required():
        raise ValidationError({"root_cause": [_("Choose the root cause to give the incidents you solve.")]})
    with transaction.atomic():
        problem = problem_update(
            problem=problem,
            actor=actor,
            changes={"status": Problem.Status.SOLVED, **({"root_cause": root_cause} if root_cause else {})},
            now=now,
        )
        if not open_incidents:
            return None
        running = problem_solve_job_running(problem=problem)
        if running is not None:
            return running
        try:
            with transaction.atomic():
                job = ProblemSolveJob.objects.create(
                    problem=problem,
                    actor=actor,
                    reply=reply.strip(),
                    reply_fa=reply_fa.strip(),
                    root_cause=root_cause,
                    total=len(open_incidents),
                )
        except IntegrityError:  # another request started one a moment ago
            return problem_solve_job_running(problem=problem)
        ProblemSolveItem.objects.bulk_create(
            [ProblemSolveItem(job=job, ticket_id=pk) for pk, _cause in open_incidents], batch_size=1000
        )
        enqueue_on_commit(tasks.problem_solve_run, job.pk)
    return job


def problem_solve_job_running(*, problem: Problem) -> ProblemSolveJob | None:
    """The problem's unfinished run, locked (one at most: one_open_solve_job_per_problem)."""
    return (
        ProblemSolveJob.objects.select_for_update()
        .filter(problem=problem)
        .exclude(state=ProblemSolveJob.State.DONE)
        .first()
    )
