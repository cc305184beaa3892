"""`/api/v1/problems/`: problem records and their incidents. Agents and admins only: for customers
every operation is a 404. Views validate, call tickets.problems.services, serialize."""

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api_support import FilterSet, IdFilter
from helpdesk.models import Team, User
from helpdesk.permissions import IsAgent
from tickets import selectors as ticket_selectors
from tickets.api.common import ERR_400, ERR_401_403, ERR_404
from tickets.models import Problem, ProblemSolveJob, RootCause, Ticket
from tickets.problems import selectors, services


class ProblemRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True, source="__str__")


class ProblemOutput(serializers.ModelSerializer):
    owner = ProblemRef(read_only=True, allow_null=True)
    team = ProblemRef(read_only=True, allow_null=True)
    root_cause = serializers.IntegerField(source="root_cause_id", read_only=True, allow_null=True)
    incident_count = serializers.IntegerField(read_only=True)
    open_incident_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Problem
        fields = ["id", "title", "description", "cause", "status", "root_cause", "owner", "team"]
        fields += ["incident_count", "open_incident_count", "created_at", "updated_at", "solved_at"]


class ProblemInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    cause = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Problem.Status.choices, required=False)
    root_cause = serializers.PrimaryKeyRelatedField(queryset=RootCause.objects.all(), required=False, allow_null=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=("agent", "admin")), required=False, allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    tickets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=500,
        write_only=True,
        help_text="Ticket ids to link as incidents at once (create only).",
    )


class ProblemIncidentsInput(serializers.Serializer):
    tickets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), min_length=1, max_length=500
    )


class ProblemIncidentOutput(serializers.ModelSerializer):
    requester = serializers.CharField(source="requester.__str__", read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True, allow_null=True, default=None)
    assignee = serializers.IntegerField(source="assignee_id", read_only=True, allow_null=True)

    class Meta:
        model = Ticket
        fields = ["id", "subject", "status", "priority", "requester", "organization", "assignee", "created_at"]


class ProblemSolveInput(serializers.Serializer):
    reply = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The public reply to each open incident, in English: customers who read English get it "
        "(and Persian readers too when `reply_fa` is empty). With `solve_incidents`, give this or `reply_fa`.",
    )
    reply_fa = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The same reply in Persian, for customers who read Persian (and for the others when `reply` "
        "is empty).",
    )
    solve_incidents = serializers.BooleanField(required=False, default=True)
    root_cause = serializers.PrimaryKeyRelatedField(
        queryset=RootCause.objects.all(),
        required=False,
        allow_null=True,
        help_text="Given to incidents without one (default: the problem's).",
    )


class ProblemSolveFailure(serializers.Serializer):
    ticket = serializers.IntegerField()
    detail = serializers.CharField()


class ProblemSolveJobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=ProblemSolveJob.State.choices)
    total = serializers.IntegerField(help_text="Open incidents when it started.")
    solved = serializers.IntegerField(help_text="Incidents solved so far.")
    failed = serializers.IntegerField(help_text="Incidents refused so far (closed meanwhile, a rule).")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    failures = ProblemSolveFailure(many=True, help_text="The first 50 refused incidents, with the reason.")


class ProblemSolveOutput(serializers.Serializer):
    problem = ProblemOutput()
    job = ProblemSolveJobOutput(
        allow_null=True, help_text="The run solving the incidents in the background (null: none was needed)."
    )


def solve_job_data(user, job: ProblemSolveJob | None) -> dict | None:
    if job is None:
        return None
    failures = [
        {"ticket": item.ticket_id, "detail": item.reason}
        for item in selectors.problem_solve_failures(user=user, job=job)
    ]
    fields = ("id", "state", "total", "solved", "failed", "created_at", "finished_at")
    return {name: getattr(job, name) for name in fields} | {"failures": failures}


class ProblemFilter(FilterSet):
    owner = IdFilter(field_name="owner_id")
    team = IdFilter(field_name="team_id")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title contains")

    class Meta:
        model = Problem
        fields = ["status"]


class _ProblemView(generics.GenericAPIView):
    permission_classes = [IsAgent]
    queryset = Problem.objects.none()  # for the schema; reads go through the selectors
    serializer_class = ProblemOutput

    def problem(self) -> Problem:
        return selectors.problem_get_for(user=self.request.user, problem_id=self.kwargs["pk"])

    def output(self, problem_id: int) -> dict:
        return ProblemOutput(selectors.problem_get_for(user=self.request.user, problem_id=problem_id)).data

    def solve_output(self, problem_id: int, job: ProblemSolveJob | None) -> dict:
        """The problem as `GET /problems/{id}/` shows it (owner and team with their names), and the run."""
        problem = selectors.problem_get_for(user=self.request.user, problem_id=problem_id)
        return ProblemSolveOutput({"problem": problem, "job": solve_job_data(self.request.user, job)}).data

    def tickets(self, ids: list[int]) -> list[Ticket]:
        """Tickets named in the body, each one the caller may see; otherwise a 400 on `tickets`."""
        found = list(ticket_selectors.ticket_base_for(user=self.request.user).filter(pk__in=ids).only("pk"))
        missing = sorted(set(ids) - {ticket.pk for ticket in found})
        if missing:
            raise ValidationError({"tickets": [_("No such ticket: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]})
        return found


class ProblemListView(_ProblemView, generics.ListAPIView):
    """Problems, latest change first, with their incident counts; `?status=`, `?owner=`, `?team=`, `?q=`."""

    filterset_class = ProblemFilter
    ordering_fields = ["updated_at", "created_at", "id"]

    def get_queryset(self) -> QuerySet[Problem]:
        return selectors.problem_list_for(user=self.request.user)

    @extend_schema(request=ProblemInput, responses={201: ProblemOutput, **ERR_400, **ERR_401_403})
    def post(self, request: Request) -> Response:
        serializer = ProblemInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        tickets = self.tickets(data.pop("tickets", []))
        problem = services.problem_create(actor=request.user, tickets=tickets, **data)
        return Response(self.output(problem.pk), status=status.HTTP_201_CREATED)


class ProblemDetailView(_ProblemView):
    """One problem; PATCH changes fields or the status (incidents untouched: see `solve`); DELETE is
    for administrators (the incidents stay, unlinked)."""

    filter_backends: list = []

    @extend_schema(responses={200: ProblemOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ProblemOutput(self.problem()).data)

    @extend_schema(request=ProblemInput, responses={200: ProblemOutput, **ERR_400, **ERR_401_403, **ERR_404})
    def patch(self, request: Request, pk: int) -> Response:
        problem = self.problem()
        serializer = ProblemInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k != "tickets"}
        services.problem_update(problem=problem, actor=request.user, changes=changes)
        return Response(self.output(problem.pk))

    @extend_schema(responses={204: None, **ERR_401_403, **ERR_404})
    def delete(self, request: Request, pk: int) -> Response:
        services.problem_delete(problem=self.problem(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProblemIncidentListView(_ProblemView, generics.ListAPIView):
    """The problem's incidents, oldest first; POST links more (a ticket of another problem moves here)."""

    serializer_class = ProblemIncidentOutput
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Ticket]:
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        return selectors.problem_incidents(user=self.request.user, problem=self.problem())

    @extend_schema(
        request=ProblemIncidentsInput,
        responses={200: ProblemIncidentOutput(many=True), **ERR_400, **ERR_401_403, **ERR_404},
        description="Link tickets (ids the caller may see; one it may not is a 400 and nothing is linked). "
        "Answers those incidents.",
    )
    def post(self, request: Request, pk: int) -> Response:
        problem = self.problem()
        serializer = ProblemIncidentsInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        tickets = self.tickets(serializer.validated_data["tickets"])
        services.problem_link(problem=problem, tickets=tickets, actor=request.user)
        incidents = selectors.problem_incidents(user=request.user, problem=problem).filter(
            pk__in=[t.pk for t in tickets]
        )
        return Response(ProblemIncidentOutput(incidents, many=True).data)


class ProblemIncidentDetailView(_ProblemView):
    serializer_class = ProblemIncidentOutput
    filter_backends: list = []

    @extend_schema(responses={204: None, **ERR_401_403, **ERR_404}, description="Unlink an incident.")
    def delete(self, request: Request, pk: int, ticket_id: int) -> Response:
        problem = self.problem()
        ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)
        if not services.problem_unlink(problem=problem, ticket=ticket, actor=request.user):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProblemSolveView(_ProblemView):
    """POST: solve the problem and, unless `solve_incidents` is false, queue a job that posts the reply on
    every open incident (`reply` or `reply_fa`, in each customer's language) and solves it, each through the ticket services (mail, SLA, events, webhooks per
    ticket): 202 with the job (200 with `job` null when no incident needed it). GET: the latest run's
    progress and counts. Solving again while a run is unfinished answers that run."""

    serializer_class = ProblemSolveOutput
    filter_backends: list = []

    @extend_schema(responses={200: ProblemSolveOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        problem = self.problem()
        job = selectors.problem_solve_job_for(user=request.user, problem=problem)
        return Response(self.solve_output(problem.pk, job))

    @extend_schema(
        request=ProblemSolveInput,
        responses={202: ProblemSolveOutput, 200: ProblemSolveOutput, **ERR_400, **ERR_401_403, **ERR_404},
    )
    def post(self, request: Request, pk: int) -> Response:
        problem = self.problem()
        serializer = ProblemSolveInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = services.problem_solve(problem=problem, actor=request.user, **serializer.validated_data)
        body = self.solve_output(problem.pk, job)
        return Response(body, status=status.HTTP_202_ACCEPTED if job is not None else status.HTTP_200_OK)
