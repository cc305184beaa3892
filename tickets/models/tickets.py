"""Tickets: status, type, channel, SLA state, tags and the Ticket itself."""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Case, DateTimeField, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Organization, Product, ServiceContract, SlaPolicy
from helpdesk.models import Priority, Team
from tickets.models.problems import Category, Problem, RootCause


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    INCIDENT = "incident", _("Incident")
    PROBLEM = "problem", _("Problem")
    FEATURE_REQUEST = "feature_request", _("Feature request")
    TASK = "task", _("Task")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    AGENT = "agent", _("Agent")


class SlaState(models.TextChoices):
    NONE = "", _("No target")
    OK = "ok", _("On track")
    WARNING = "warning", _("Due soon")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)


# The tag of a ticket marked as spam (tickets.services.spam): no survey, and no report counts it as work
# (tickets.reports.query.spam_out, and the report views since migration 0056, which spell it out).
SPAM_TAG = "spam"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


def priority_rank() -> Case:
    """Priority as a number that sorts: low 0 < normal 1 < high 2 < urgent 3 (not alphabetical)."""
    return Case(
        *(When(priority=value, then=Value(rank)) for rank, value in enumerate(Priority.values)),
        default=Value(len(Priority.values)),
        output_field=IntegerField(),
    )


# Stands in for "no due time" so that tickets without one sort after every real due time.
NEVER_DUE = datetime(9999, 12, 31, tzinfo=UTC)


def sla_due() -> Least:
    """The earliest running SLA due time of a ticket (NEVER_DUE when none runs).

    The "SLA due" sort of the agent list orders by it, through ticket_status_team_due_idx below:
    PostgreSQL uses an expression index only for the very same expression, so both come from here.
    """
    never = Value(NEVER_DUE, output_field=DateTimeField())
    return Least(
        Coalesce("first_response_due_at", never),
        Coalesce("next_response_due_at", never),
        Coalesce("resolution_due_at", never),
    )


class TicketQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def unassigned(self):
        return self.filter(assignee__isnull=True)

    def by_priority(self):
        """Most urgent first, then the latest activity."""
        return self.alias(priority_rank=priority_rank()).order_by("-priority_rank", "-updated_at", "-id")

    def by_sla_due(self):
        """The earliest running SLA due time first; tickets without one last."""
        return self.alias(sla_due=sla_due()).order_by("sla_due", "-updated_at", "-id")

    def sla_due_before(self, moment):
        return self.open().filter(
            Q(first_response_due_at__lte=moment)
            | Q(next_response_due_at__lte=moment)
            | Q(resolution_due_at__lte=moment)
        )


class Ticket(models.Model):
    """One customer request. `id` is its public number."""

    subject = models.CharField(_("subject"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    # A team's own name for where the work stands (tickets.models.statuses); always one that stands for
    # `status` (tickets.services.status writes both together and clears it when the status moves on).
    custom_status = models.ForeignKey(
        "tickets.CustomStatus",
        verbose_name=_("custom status"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    type = models.CharField(_("type"), max_length=20, choices=TicketType.choices, default=TicketType.QUESTION)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    requester = models.ForeignKey(
        Contact, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="tickets"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    sla_policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    # Classification (tickets.models.problems): agents, routing rules and mailboxes set the category;
    # the root cause is chosen when solving; `problem` is the problem record this incident belongs to.
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    root_cause = models.ForeignKey(
        RootCause,
        verbose_name=_("root cause"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    cc_emails = models.JSONField(_("CC addresses"), default=list, blank=True)
    # The Reply-To of the email that opened the ticket, when it names someone other than the
    # requester: mail for the requester goes there (see `requester_address`).
    reply_to_email = models.EmailField(_("replies go to"), max_length=254, blank=True, default="")
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_tickets",
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    first_responded_at = models.DateTimeField(_("first responded"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    # Business minutes (the SLA policy's calendar) from creation to the first agent reply and to being
    # solved, stored by the services when each happens (tickets.sla.elapsed); the reports' percentiles.
    first_response_business_minutes = models.PositiveIntegerField(
        _("first response (business minutes)"), null=True, blank=True, editable=False
    )
    resolution_business_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_customer_activity_at = models.DateTimeField(_("last customer activity"), null=True, blank=True)
    last_agent_activity_at = models.DateTimeField(_("last agent activity"), null=True, blank=True)

    # SLA: due times and state, stored so lists sort and filter on them and the sweep finds due work
    # through an index (tickets.sla.clock computes them; tickets.services stores them).
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    sla_state = models.CharField(_("SLA state"), max_length=16, choices=SlaState.choices, default="", blank=True)
    # The next moment a clock warns or breaches; the every-minute sweep selects `<= now` on its index
    # and claims each ticket by a conditional UPDATE of this column (tickets.sla.escalation.sla_sweep).
    sla_next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When a target was first breached, and how many escalation steps of the policy have run since.
    sla_breached_at = models.DateTimeField(_("SLA breached"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation steps done"), default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Why the SLA handling of this ticket last failed (empty when fine) and since when: the sweep
    # records one SLA_ERROR event per cause and retries with backoff (tickets.sla.store.sla_problem).
    sla_error = models.CharField(max_length=255, blank=True, default="", editable=False)
    sla_error_since = models.DateTimeField(null=True, blank=True, editable=False)

    # Normalised text of subject, messages and requester for search (tickets.search keeps it current).
    # When its personal data was removed (a contact's erasure or the retention rule for closed tickets).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    search_document = models.TextField(blank=True, default="", editable=False)
    # PostgreSQL: the words of search_document as a tsvector (tickets.search) under a GIN index
    # (ticket_search_vector_gin, created on PostgreSQL only); unused on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # agent queues: ?status=&team= ordered by last update
            models.Index(fields=["status", "team", "-updated_at"], name="ticket_status_team_upd_idx"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_idx"),
            # "mine": assignee + status
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status_idx"),
            # customer portal: requester's and organization's tickets
            models.Index(fields=["requester", "-updated_at"], name="ticket_requester_idx"),
            models.Index(fields=["organization", "-updated_at"], name="ticket_org_idx"),
            # SLA sweep and "due soon" lists
            models.Index(
                fields=["first_response_due_at"],
                name="ticket_frt_due_idx",
                condition=Q(first_response_due_at__isnull=False),
            ),
            models.Index(
                fields=["next_response_due_at"],
                name="ticket_nrt_due_idx",
                condition=Q(next_response_due_at__isnull=False),
            ),
            models.Index(
                fields=["resolution_due_at"], name="ticket_res_due_idx", condition=Q(resolution_due_at__isnull=False)
            ),
            # the every-minute SLA sweep: `sla_next_check_at <= now` and `next_escalation_at <= now`
            models.Index(
                fields=["sla_next_check_at"], name="ticket_sla_check_idx", condition=Q(sla_next_check_at__isnull=False)
            ),
            models.Index(
                fields=["next_escalation_at"],
                name="ticket_escalation_idx",
                condition=Q(next_escalation_at__isnull=False),
            ),
            # Agent queues (tickets.workspace.lists.apply_view, bench/agent_list.py). Declared since
            # migration 0015; on PostgreSQL databases older than it they were made in raw SQL (0006).
            # "unassigned in my teams": its rows in update order, and its tab count
            models.Index(
                fields=["team", "-updated_at", "-id"],
                name="ticket_open_unassigned_idx",
                condition=Q(assignee__isnull=True, status__in=OPEN_STATUSES),
            ),
            # "mine": rows in update order and the tab count without visiting closed tickets
            # (its team too, so the workload report counts open tickets per team from the index alone)
            models.Index(
                fields=["assignee", "-updated_at", "-id"],
                name="ticket_open_assignee_idx",
                condition=Q(status__in=OPEN_STATUSES),
                include=["team"],
            ),
            # "solved recently": solved_at >= now - 7 days
            models.Index(fields=["solved_at"], name="ticket_solved_at_idx", condition=Q(status=Status.SOLVED)),
            # reports, from the index alone: tickets solved in a range per agent or team (workload), the
            # backlog's ages (volume), and a reply's ticket's creation and team (workload's replies)
            models.Index(
                fields=["solved_at"],
                name="ticket_solved_report_idx",
                condition=Q(merged_into__isnull=True, solved_at__isnull=False),
                # root causes that grow (tickets.reports.trends); the id, to leave spam out (query.spam_out)
                include=["assignee", "team", "root_cause", "id"],
            ),
            models.Index(fields=["created_at"], name="ticket_open_created_idx", condition=Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["id"], name="ticket_id_created_idx", include=["created_at", "team"]),
            # the retention rule: closed tickets not yet anonymised, by closing time
            models.Index(
                fields=["closed_at"],
                name="ticket_retention_idx",
                condition=Q(status=Status.CLOSED, anonymised_at__isnull=True),
            ),
            # the satisfaction survey sweep: solved or closed, solved_at in [now - max age, now - delay]
            models.Index(
                fields=["solved_at"],
                name="ticket_survey_due_idx",
                condition=Q(status__in=(Status.SOLVED, Status.CLOSED), solved_at__isnull=False),
            ),
            # ?status=&team=&sort=due (TicketQuerySet.by_sla_due): an index-ordered LIMIT 51
            models.Index(
                F("status"),
                F("team"),
                sla_due(),
                F("updated_at").desc(),
                F("id").desc(),
                name="ticket_status_team_due_idx",
            ),
            # The agent home's lists (tickets.workspace.views.home), each its first 8 rows by SLA due
            # (TicketQuerySet.by_sla_due) read in index order, and its capped count from the same index:
            # "my open tickets"
            models.Index(
                F("assignee"),
                sla_due(),
                F("updated_at").desc(),
                F("id").desc(),
                name="ticket_open_assignee_due_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # "unassigned in my teams"
            models.Index(
                F("team"),
                sla_due(),
                F("updated_at").desc(),
                F("id").desc(),
                name="ticket_open_unassigned_due_idx",
                condition=Q(assignee__isnull=True, status__in=OPEN_STATUSES),
            ),
            # "SLA due soon" and "SLA breached" (mine or my teams'): only the few open tickets in
            # those states, so neither list nor count scans the table; the assignee and team carried
            # so the home page's capped counts read the index alone (29 ms -> 3 ms at 1M tickets)
            models.Index(
                F("sla_state"),
                sla_due(),
                F("updated_at").desc(),
                F("id").desc(),
                name="ticket_open_sla_alert_idx",
                condition=Q(status__in=OPEN_STATUSES, sla_state__in=(SlaState.WARNING, SlaState.BREACHED)),
                include=["assignee", "team"],
            ),
            # reports: tickets created in a date range (tickets.reports.query.tickets_created)
            models.Index(fields=["created_at"], name="ticket_created_idx"),
            # the backfill (tickets.sla.elapsed_backfill) finds answered/solved tickets still without
            # business minutes; the response-times report orders by them inside percentile_cont
            models.Index(fields=["first_response_business_minutes"], name="ticket_frt_business_idx"),
            models.Index(fields=["resolution_business_minutes"], name="ticket_res_business_idx"),
            # ?q= (tickets.search.ticket_search): `search_vector @@ query`; PostgreSQL only (migration 0015)
            GinIndex(fields=["search_vector"], name="ticket_search_vector_gin"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def requester_address(self) -> str:
        """Where mail for the requester goes: the Reply-To they asked for, else their own address;
        "" for a requester known by phone only (the outbox queues nothing for it)."""
        return self.reply_to_email or self.requester.email or ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
