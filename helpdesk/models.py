"""Users, roles and teams: who works in the helpdesk and who is served by it."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.audit.records import AuditedRecords
from helpdesk.names import NamedInLanguages

# The outbox's rows are this app's models, kept in helpdesk.outbox (below every app that sends).
from helpdesk.outbox.models import NotificationLog, WebhookEndpoint


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    AGENT = "agent", _("Agent")
    CUSTOMER = "customer", _("Customer")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("role", Role.CUSTOMER)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields["role"] = Role.ADMIN
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)

    def with_email(self, address: str | None) -> models.QuerySet:
        """The user with this address in any letter case, through user_email_ci_unique (lower(email));
        `email__iexact` compares UPPER() and reads the whole table. No address matches nobody."""
        address = (address or "").strip().lower()
        if not address:
            return self.none()
        return self.alias(_address=Lower("email")).filter(_address=address)

    def get_by_natural_key(self, username):
        """Sign-in by email, in any letter case (Django's backends and `createsuperuser`)."""
        return self.with_email(username).get()


class AssignmentMode(models.TextChoices):
    """How a team's new tickets find an owner (tickets.routing.assignment)."""

    MANUAL = "manual", _("Manual")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")


class Team(NamedInLanguages, models.Model):
    """A department of the company: first line, second line, development, billing, sales."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_fa = models.CharField(_("name in Persian"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("notification address"), blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
        # A lead gets internal mail (escalations, automation): agents and administrators only; every
        # writer also refuses anyone else with a clear message (helpdesk.services.team_lead_errors).
        limit_choices_to={"role__in": ["agent", "admin"]},
    )
    is_active = models.BooleanField(_("active"), default=True)
    referral_target_minutes = models.PositiveIntegerField(
        _("referral answer target (business minutes)"),
        null=True,
        blank=True,
        help_text=_("How long this team has to answer a referral; empty means the site default."),
    )
    assignment_mode = models.CharField(
        _("assignment"),
        max_length=16,
        choices=AssignmentMode.choices,
        default=AssignmentMode.MANUAL,
        help_text=_("How new tickets of this team get an owner: by hand, in turn, or to the agent with the fewest."),
    )
    max_open_per_agent = models.PositiveIntegerField(
        _("open tickets per agent (cap)"),
        null=True,
        blank=True,
        help_text=_(
            "Automatic assignment gives no new ticket to an agent who owns this many open tickets; empty: no cap."
        ),
    )
    # The agent the last automatic assignment chose; round robin goes on after them. Read and written
    # under the team row's lock (tickets.routing.assignment), so concurrent tickets take turns.
    assignment_last = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    history = AuditedRecords(excluded_fields=["assignment_last"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.display_name


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: administrators, agents and customers. The email is the login."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), blank=True, related_name="members")
    is_active = models.BooleanField(_("active"), default=True)
    # An away agent gets no new ticket from automatic assignment (the agent sets it in the top bar).
    is_away = models.BooleanField(_("away"), default=False)
    # This agent's own cap of open tickets for automatic assignment: narrows the cap of each of their
    # teams (the lower of the two applies), or caps them alone in a team without one.
    max_open_tickets = models.PositiveIntegerField(
        _("open tickets cap (this agent)"),
        null=True,
        blank=True,
        help_text=_(
            "Automatic assignment gives this agent no new ticket while they own this many open tickets, "
            "whatever their teams allow; empty: only the team's cap applies."
        ),
    )
    # Set when an authenticator app is confirmed, cleared when turned off (helpdesk.security.twofactor):
    # every request reads it with the user, so checking two-factor costs no query.
    two_factor_enabled = models.BooleanField(_("two-factor sign-in"), default=False, editable=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()
    # Role, activity, address, name and team memberships; never the password hash or sign-in bookkeeping.
    history = AuditedRecords(
        excluded_fields=["password", "last_login", "language", "time_zone", "is_away", "date_joined"],
        secret_fields=["password"],
        m2m_fields=[teams],
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        indexes = [models.Index(fields=["role", "is_active"], name="user_role_active_idx")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split()[0]

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_agent(self) -> bool:
        """Agents and administrators both work tickets."""
        return self.is_active and self.role in (Role.AGENT, Role.ADMIN)

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_staff(self) -> bool:
        """Only administrators reach Django's admin (the configuration)."""
        return self.is_admin


class ApiToken(models.Model):
    """A personal API key (`Authorization: Token <key>`); a login may hold several, each with a name.

    Only the key's SHA-256 is stored: the key is shown once, when made. A token stops working when it
    expires, when its owner is deactivated, and is deleted when the owner's password changes.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, help_text=_("Empty: never."))

    # Made and revoked (deleted), by whom; never the key's hash.
    history = AuditedRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        # the profile's and the API's list: one user's tokens, newest first
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="apitoken_user_created_idx")]

    def __str__(self) -> str:
        return self.name

    def is_expired(self, now) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class UserSession(models.Model):
    """A browser signed in as `user`: what the profile lists so its owner can end it.

    Written at sign-in and, while used, at most every HELPDESK_SESSION_SEEN_MINUTES
    (helpdesk.security.sessions); the session itself stays in Django's session store.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="sessions"
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True, editable=False)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at", "-pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        # the profile's list: one user's sessions, most recent first
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="usersession_user_seen_idx")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.ip_address or '?'}"


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat job, by the name it was given."""

    name = models.CharField(_("worker"), max_length=64, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class SharedListsVersion(models.Model):
    """One row: the version of the lists every agent page reads (helpdesk.shared_lists). Database
    triggers give it a new value whenever one of those tables changes; nothing else writes it."""

    value = models.BigIntegerField(_("version"))

    class Meta:
        verbose_name = _("version of the shared lists")
        verbose_name_plural = _("versions of the shared lists")

    def __str__(self) -> str:
        return str(self.value)


class Priority(models.TextChoices):
    """How urgent a request is; shared by tickets and the SLA targets of customer contracts."""

    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


__all__ = [
    "Role",
    "AssignmentMode",
    "UserManager",
    "Team",
    "User",
    "ApiToken",
    "UserSession",
    "WorkerHeartbeat",
    "SharedListsVersion",
    "Priority",
    "NotificationLog",
    "WebhookEndpoint",
]
