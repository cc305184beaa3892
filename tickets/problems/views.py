"""Agent pages of problem records: the list, a problem with its incidents (edit, solve), and the
ticket page's problem card. Short views: load through a selector, validate with a form, call the
service, redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from helpdesk import dates
from helpdesk.exceptions import DomainError, NotVisible
from helpdesk.forms import add_service_errors, service_error_text
from helpdesk.paging import page_number
from helpdesk.permissions import agent_required
from tickets import selectors as ticket_selectors
from tickets.models import Problem, Ticket
from tickets.problems import forms, selectors, services
from tickets.workspace.lists import paginate


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@agent_required
def problem_list(request: HttpRequest) -> HttpResponse:
    """Problems with their incident counts, latest change first, by status (GET); POST creates one."""
    user = request.user
    new_form = forms.ProblemForm(request.POST or None, user=user, initial={"status": Problem.Status.OPEN})
    if request.method == "POST" and new_form.is_valid():
        try:
            problem = services.problem_create(actor=user, **new_form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(new_form, exc)
        else:
            messages.success(request, _("Problem created."))
            return redirect("agent:problem", problem_id=problem.pk)
    form = forms.ProblemFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = paginate(selectors.problem_list_for(user=user, filters=filters), page=filters.get("page") or 1)
    filtered = any(value for name, value in filters.items() if name != "page")
    return render(
        request,
        "tickets/problems/list.html",
        {"form": form, "new_form": new_form, "page": page, "filtered": filtered},
        status=400 if request.method == "POST" else 200,
    )


def _detail(request: HttpRequest, problem: Problem, *, edit_form=None, solve_form=None, status: int = 200):
    incidents = paginate(
        selectors.problem_incidents(user=request.user, problem=problem), page=page_number(request.GET.get("page"))
    )
    initial = {name: getattr(problem, name) for name in services.PROBLEM_FIELDS} | {"status": problem.status}
    context = {
        "problem": problem,
        "incidents": incidents,
        "edit_form": edit_form or forms.ProblemForm(user=request.user, initial=initial),
        "solve_form": solve_form or forms.ProblemSolveForm(),
        **_solve_context(request, problem),
    }
    return render(request, "tickets/problems/item.html", context, status=status)


@agent_required
@require_GET
def problem_detail(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _detail(request, selectors.problem_get_for(user=request.user, problem_id=problem_id))


@agent_required
@require_POST
def problem_edit(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem = selectors.problem_get_for(user=request.user, problem_id=problem_id)
    form = forms.ProblemForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.problem_update(problem=problem, actor=request.user, changes=form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Problem saved."))
            return redirect("agent:problem", problem_id=problem.pk)
    return _detail(request, problem, edit_form=form, status=400)


@agent_required
@require_POST
def problem_solve(request: HttpRequest, problem_id: int) -> HttpResponse:
    """Solve the problem and, if asked, reply to and solve every open incident (each its own change)."""
    problem = selectors.problem_get_for(user=request.user, problem_id=problem_id)
    form = forms.ProblemSolveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            job = services.problem_solve(
                problem=problem,
                actor=request.user,
                reply=data["reply"],
                reply_fa=data["reply_fa"],
                solve_incidents=data["solve_incidents"],
                root_cause=data["root_cause"],
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            if job is None:
                messages.success(request, _("Problem solved."))
            else:
                messages.success(
                    request,
                    dates.fill(
                        ngettext(
                            "Problem solved; its %(count)s open incident is being solved in the background.",
                            "Problem solved; its %(count)s open incidents are being solved in the background.",
                            job.total,
                        ),
                        {"count": job.total},
                    ),
                )
            return redirect("agent:problem", problem_id=problem.pk)
    return _detail(request, problem, solve_form=form, status=400)


@agent_required
@require_GET
def problem_solve_progress(request: HttpRequest, problem_id: int) -> HttpResponse:
    """The latest run's progress card (the problem page polls it while the run is unfinished)."""
    problem = selectors.problem_get_for(user=request.user, problem_id=problem_id)
    return render(request, "tickets/problems/_solve_progress.html", _solve_context(request, problem))


def _solve_context(request: HttpRequest, problem: Problem) -> dict:
    job = selectors.problem_solve_job_for(user=request.user, problem=problem)
    failures = selectors.problem_solve_failures(user=request.user, job=job) if job is not None and job.failed else []
    return {"problem": problem, "solve_job": job, "solve_failures": failures}


@agent_required
@require_POST
def problem_unlink(request: HttpRequest, problem_id: int, ticket_id: int) -> HttpResponse:
    """Unlink an incident, from the problem's page or from the ticket's card (`next` says where to go)."""
    problem = selectors.problem_get_for(user=request.user, problem_id=problem_id)
    ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)
    try:
        if services.problem_unlink(problem=problem, ticket=ticket, actor=request.user):
            messages.success(
                request,
                dates.fill(_("Ticket #%(ticket)s is no longer an incident of this problem."), {"ticket": ticket.pk}),
            )
    except (ValidationError, DomainError) as exc:  # a merged ticket takes no change
        messages.error(request, service_error_text(exc))
    if request.POST.get("next") == "ticket":
        return redirect("agent:ticket", ticket_id=ticket.pk)
    return redirect("agent:problem", problem_id=problem.pk)


@agent_required
@require_POST
def ticket_problem_link(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The ticket's problem card: link the ticket to an existing problem, or to a new one made from it."""
    ticket = ticket_selectors.ticket_get_for(user=request.user, ticket_id=ticket_id, with_terms=False)
    form = forms.TicketProblemForm(request.POST, choices=[])
    back = reverse("agent:ticket", args=[ticket.pk]) + "#problem-title"
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)
    data = form.cleaned_data
    try:
        if data.get("problem"):
            services.problem_link(problem=data["problem"], tickets=[ticket], actor=request.user)
        else:
            services.problem_create(actor=request.user, title=data["title"], team=ticket.team, tickets=[ticket])
    except (ValidationError, DomainError) as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Ticket linked to the problem."))
    return redirect(back)


def problem_bulk_link(request: HttpRequest, *, problem_id: int, tickets: list[Ticket]) -> None:
    """The ticket list's bulk action: make the selected tickets incidents of problem number `problem_id`."""
    try:
        problem = selectors.problem_get_for(user=request.user, problem_id=problem_id)
        changed = services.problem_link(problem=problem, tickets=tickets, actor=request.user)
    except (ValidationError, DomainError) as exc:
        messages.error(request, _("No such problem.") if isinstance(exc, NotVisible) else service_error_text(exc))
        return
    messages.success(
        request,
        dates.fill(
            ngettext(
                "%(count)s ticket linked to “%(title)s”.", "%(count)s tickets linked to “%(title)s”.", len(changed)
            ),
            {"count": len(changed), "title": problem.title},
        ),
    )
