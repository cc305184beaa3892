"""Every read of categories, root causes and problems, scoped to the acting user: customers never see
any of them (NotVisible, a 404)."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet

from helpdesk.exceptions import NotVisible
from helpdesk.models import User
from helpdesk.permissions import is_agent
from helpdesk.statements import CompiledQuerySet
from tickets.models import OPEN_STATUSES, Category, Problem, ProblemSolveItem, ProblemSolveJob, RootCause, Ticket


def _agents_only(user: User) -> None:
    if not is_agent(user):
        raise NotVisible


def category_list_for(*, user: User, active_only: bool = False) -> QuerySet[Category]:
    """Categories in tree order (each parent's children after it is the caller's grouping: ordered
    by the parent's position, then its own), parents joined. Customers: NotVisible."""
    _agents_only(user)
    qs = Category.objects.select_related("parent")
    if active_only:
        qs = qs.filter(is_active=True).filter(Q(parent__isnull=True) | Q(parent__is_active=True))
    return qs.order_by("position", "name", "id")


def category_choices(*, user: User) -> list[tuple[str, str]]:
    """The active categories as a picker offers them: each parent, then its children indented "› ",
    in one query."""
    rows = list(category_list_for(user=user, active_only=True))
    return category_choices_from([(row.pk, row.parent_id, row.display_name) for row in rows])


def category_choices_from(rows: list[tuple[int, int | None, str]]) -> list[tuple[str, str]]:
    """category_choices from active categories already read, as (id, parent id, name) in order: a
    child whose parent is not among them (inactive) is left out."""
    children: dict[int, list[tuple[int, str]]] = {}
    for pk, parent_id, name in rows:
        if parent_id is not None:
            children.setdefault(parent_id, []).append((pk, name))
    choices = []
    for pk, parent_id, name in rows:
        if parent_id is None:
            choices.append((str(pk), name))
            choices.extend((str(child), f"{name} › {child_name}") for child, child_name in children.get(pk, []))
    return choices


def category_get_for(*, user: User, category_id: Any) -> Category:
    _agents_only(user)
    try:
        return Category.objects.select_related("parent").get(pk=category_id)
    except (Category.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def root_cause_list_for(*, user: User, active_only: bool = False) -> QuerySet[RootCause]:
    _agents_only(user)
    qs = RootCause.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def problem_list_for(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Problem]:
    """Problems, latest change first, with their owner and team joined and their incident counts
    (`incident_count`, `open_incident_count`) counted in the same query; `filters`: status, owner (id),
    team (id), q (title). Customers: NotVisible."""
    _agents_only(user)
    filters = filters or {}
    qs = Problem.objects.all()
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    for name in ("owner", "team"):
        if filters.get(name):
            qs = qs.filter(**{f"{name}_id": filters[name]})
    if (filters.get("q") or "").strip():
        qs = qs.filter(title__icontains=filters["q"].strip())
    return problem_annotated(qs).order_by("-updated_at", "-id")


def problem_annotated(qs: QuerySet[Problem]) -> QuerySet[Problem]:
    return qs.select_related("owner", "team", "root_cause").annotate(
        incident_count=Count("incidents"),
        open_incident_count=Count("incidents", filter=Q(incidents__status__in=OPEN_STATUSES)),
    )


def problem_get_for(*, user: User, problem_id: Any) -> Problem:
    """One problem for an agent, else NotVisible (404): customers, and problems that do not exist."""
    _agents_only(user)
    try:
        return problem_annotated(Problem.objects.filter(pk=problem_id)).select_related("created_by").get()
    except (Problem.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def problem_incidents(*, user: User, problem: Problem) -> QuerySet[Ticket]:
    """A problem's incidents as a list shows them (requester, organization, assignee joined), oldest
    first; pages and the API slice it."""
    _agents_only(user)
    return (
        Ticket.objects.filter(problem=problem)
        .select_related("requester", "organization", "assignee", "team")
        .only(
            "id",
            "subject",
            "status",
            "priority",
            "created_at",
            "updated_at",
            "problem_id",
            "requester__full_name",
            "requester__email",
            "requester__phone",  # Contact.__str__ of one without name or address
            "organization__name",
            "assignee__full_name",
            "assignee__email",
            "team__name",
            "team__name_fa",
        )
        .order_by("created_at", "id")
    )


def _unsolved(limit: int) -> QuerySet[Problem]:
    return (
        Problem.objects.exclude(status=Problem.Status.SOLVED).order_by("-updated_at", "-id").only("pk", "title")[:limit]
    )


# problem_choices' statement per limit (a LIMIT is written into the SQL): compiled once per process
_UNSOLVED: dict[int, CompiledQuerySet] = {}


def problem_choices(*, limit: int = 200) -> list[Problem]:
    """Problems not yet solved, most recently changed first, at most `limit` (the ticket page's picker)."""
    if limit not in _UNSOLVED:
        _UNSOLVED[limit] = CompiledQuerySet(lambda: _unsolved(limit), stand_ins={})
    return _UNSOLVED[limit].fetch()


# The failures a page or the API lists for one run (the counts say how many there are in all).
FAILURES_SHOWN = 50


def problem_solve_job_for(*, user: User, problem: Problem) -> ProblemSolveJob | None:
    """The problem's latest "solve all linked incidents" run (its progress and counts), or None."""
    _agents_only(user)
    return ProblemSolveJob.objects.filter(problem=problem).order_by("-created_at", "-id").first()


def problem_solve_failures(*, user: User, job: ProblemSolveJob) -> list[ProblemSolveItem]:
    """The incidents of a run that were not solved, with the reason (the first FAILURES_SHOWN)."""
    _agents_only(user)
    return list(
        ProblemSolveItem.objects.filter(job_id=job.pk, state=ProblemSolveItem.State.FAILED)
        .select_related("ticket")
        .only("pk", "reason", "ticket", "ticket__subject")
        .order_by("pk")[:FAILURES_SHOWN]
    )
