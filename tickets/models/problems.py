"""How tickets are classified and explained: the category tree, root causes, and problem records
(the one underlying cause behind many incident tickets). Agents only: customers never see any of it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Team
from helpdesk.names import NamedInLanguages, name_in_language


class Category(NamedInLanguages, models.Model):
    """A ticket category, two levels deep: a parent (no parent of its own) and its children."""

    name = models.CharField(_("name"), max_length=100)
    name_fa = models.CharField(_("name in Persian"), max_length=100, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Leave empty for a top-level category. Categories are at most two levels deep."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower comes first."))

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("pk")), name="category_not_own_parent"),
        ]

    def __str__(self) -> str:
        """ "Parent › Child" in the reader's language (join `parent` when listing many)."""
        if self.parent_id is not None and self.parent is not None:
            return f"{self.parent.display_name} › {self.display_name}"
        return self.display_name

    def clean(self) -> None:
        """Two levels only: a parent has no parent, and a category with children cannot get one."""
        super().clean()
        parent = self.parent
        if parent is None:
            return
        if self.pk is not None and parent.pk == self.pk:
            raise ValidationError({"parent": [_("A category cannot be its own parent.")]})
        if parent.parent_id is not None:
            raise ValidationError({"parent": [_("Choose a top-level category: categories are two levels deep.")]})
        if self.pk is not None and Category.objects.filter(parent_id=self.pk).exists():
            raise ValidationError({"parent": [_("This category has subcategories, so it must stay top-level.")]})


class RootCause(NamedInLanguages, models.Model):
    """Why a ticket happened, chosen when it is solved (configuration error, bug, user error, ...)."""

    name = models.CharField(_("name"), max_length=100)
    name_fa = models.CharField(_("name in Persian"), max_length=100, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower comes first."))

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")

    def __str__(self) -> str:
        return self.display_name


class Problem(models.Model):
    """The underlying cause of one or more incidents; its incidents are the tickets whose `problem` it is."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KNOWN_ERROR = "known_error", _("Known error")
        SOLVED = "solved", _("Solved")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cause = models.TextField(_("cause"), blank=True, help_text=_("What causes the incidents, once known."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    root_cause = models.ForeignKey(
        RootCause,
        verbose_name=_("root cause"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems_owned",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="problems"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [
            # the problem list and the API: filtered by status, latest change first
            models.Index(fields=["status", "-updated_at", "-id"], name="problem_status_idx"),
            models.Index(fields=["-updated_at", "-id"], name="problem_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ProblemSolveJob(models.Model):
    """One "solve all linked incidents" run: a row first, worked through by a Celery job in batches
    (tickets.problems.solving); the problem page and the API show its progress and counts."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="solve_jobs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # the public reply in English and in Persian: each incident's customer gets theirs, else the other
    reply = models.TextField(blank=True)
    reply_fa = models.TextField(blank=True)
    root_cause = models.ForeignKey(RootCause, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # each batch stamps it; the sweep re-queues an unfinished job that no worker touched for a while
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # one unfinished run per problem: solving again while one runs answers the running one
            models.UniqueConstraint(
                fields=["problem"], condition=Q(state__in=("queued", "running")), name="one_open_solve_job_per_problem"
            )
        ]
        indexes = [
            # the sweep: unfinished jobs not touched since (tickets.problems.solving.problem_solve_stalled)
            models.Index(fields=["updated_at"], name="solve_job_unfinished_idx", condition=~Q(state="done")),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.state} {self.solved + self.failed}/{self.total}"

    @property
    def done_count(self) -> int:
        return self.solved + self.failed

    def reply_in(self, language: str) -> str:
        """The reply for a customer reading `language`: that language's text, else the other one."""
        return name_in_language(self.reply.strip(), self.reply_fa.strip(), language)


class ProblemSolveItem(models.Model):
    """One incident of a run. A worker claims it with a conditional UPDATE (pending -> solved) in the
    transaction that solves the ticket, so a redelivered task or a second worker never solves it twice."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SOLVED = "solved", _("Solved")
        FAILED = "failed", _("Not solved")

    job = models.ForeignKey(ProblemSolveJob, on_delete=models.CASCADE, related_name="items")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    reason = models.CharField(max_length=255, blank=True, default="")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "ticket"], name="solve_item_once_per_job")]
        indexes = [
            # the next batch: a job's pending items in order; the page's failures
            models.Index(fields=["job", "state", "id"], name="solve_item_job_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.ticket_id}: {self.state}"
