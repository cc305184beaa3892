"""Settings of product features that need more than a line, read from the environment like the rest
(helpdesk/settings.py imports every name here; see .env.example)."""

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()  # helpdesk/settings.py has read .env into the environment already

# Satisfaction surveys (tickets.satisfaction): one mail with the rating links per solved ticket, this
# many hours after it was solved (0: with the next sweep, a minute later), never for tickets solved
# longer ago than the max age (turning surveys on does not mail the backlog) or carrying a skip tag.
# Off: no survey, and the "solved" mail carries the rating links instead.
HELPDESK_SURVEYS = env.bool("HELPDESK_SURVEYS", default=True)
HELPDESK_SURVEY_DELAY_HOURS = env.int("HELPDESK_SURVEY_DELAY_HOURS", default=24)
HELPDESK_SURVEY_MAX_AGE_DAYS = env.int("HELPDESK_SURVEY_MAX_AGE_DAYS", default=7)
HELPDESK_SURVEY_SKIP_TAGS = [
    tag.strip().lower() for tag in env.list("HELPDESK_SURVEY_SKIP_TAGS", default=["spam", "auto-reply"])
]
if HELPDESK_SURVEY_DELAY_HOURS < 0 or HELPDESK_SURVEY_MAX_AGE_DAYS < 1:
    raise ImproperlyConfigured(
        "HELPDESK_SURVEY_DELAY_HOURS must be 0 or more and HELPDESK_SURVEY_MAX_AGE_DAYS 1 or more."
    )
# A rating of this score or lower opens a follow-up for the team lead (0: never).
HELPDESK_RATING_FOLLOW_UP_MAX_SCORE = env.int("HELPDESK_RATING_FOLLOW_UP_MAX_SCORE", default=2)
# Two-factor sign-in (helpdesk.security.twofactor; README "Two-factor and single sign-on"): anyone may
# turn it on; with REQUIRE_2FA_FOR_STAFF agents and admins must, before any page or session API call.
# A deployment setting, not an admin switch, so a stolen admin session cannot turn it off.
HELPDESK_REQUIRE_2FA_FOR_STAFF = env.bool("HELPDESK_REQUIRE_2FA_FOR_STAFF", default=False)
HELPDESK_2FA_FAILURES = env.int("HELPDESK_2FA_FAILURES", default=5)  # wrong codes per sign-in window, then a wait
OTP_TOTP_ISSUER = env("HELPDESK_2FA_ISSUER", default="Helpdesk")  # the name authenticator apps show
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp's own doubling wait after wrong codes
# Administrators reset a person's two-factor (delete the device) but never read its secret, QR code or
# recovery codes: whoever holds them could pass the second factor as that person.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The profile lists signed-in sessions (helpdesk.UserSession); last seen is written at most this often.
HELPDESK_SESSION_SEEN_MINUTES = env.int("HELPDESK_SESSION_SEEN_MINUTES", default=5)
# Single sign-on, one OpenID Connect provider (helpdesk.security.oidc), off while OIDC_RP_CLIENT_ID is empty.
OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET, OIDC_OP_ISSUER, OIDC_PROVIDER_NAME = (
    env(name, default="")
    for name in ("OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET", "OIDC_OP_ISSUER", "OIDC_PROVIDER_NAME")
)
OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT, OIDC_OP_JWKS_ENDPOINT = (
    env(f"OIDC_OP_{name}_ENDPOINT", default="") for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS")
)
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_RP_SCOPES, OIDC_USE_PKCE, OIDC_CREATE_USER = "openid email profile", True, False  # never creates users
HELPDESK_OIDC_TRUST_MFA = env.bool("HELPDESK_OIDC_TRUST_MFA", default=True)  # the ID token's amr "mfa" passes 2FA
LOGIN_REDIRECT_URL_FAILURE = "login"
AUTHENTICATION_BACKENDS = ["helpdesk.backends.ModelBackend", "helpdesk.security.oidc.OIDCBackend"]

# Reports' summary (tickets.reports.summary): each refresh (every 10 minutes) re-reads the tickets
# created in this many past days, and any older ticket updated since the last refresh.
HELPDESK_REPORT_SUMMARY_RECENT_DAYS = env.int("HELPDESK_REPORT_SUMMARY_RECENT_DAYS", default=7)
# PostgreSQL's work_mem inside a report's transaction only (tickets.reports.base.report_settings).
HELPDESK_REPORT_WORK_MEM = env.str("HELPDESK_REPORT_WORK_MEM", default="64MB")
# Problems: the incidents a "solve all linked incidents" job solves per batch (one transaction each).
HELPDESK_PROBLEM_SOLVE_BATCH = env.int("HELPDESK_PROBLEM_SOLVE_BATCH", default=50)

# Retention (tickets.privacy.retention, nightly): months after which data goes; 0 switches a rule off.
HELPDESK_RETENTION_CLOSED_TICKETS_MONTHS = env.int("HELPDESK_RETENTION_CLOSED_TICKETS_MONTHS", default=0)
HELPDESK_RETENTION_CLOSED_TICKETS_ACTION = env("HELPDESK_RETENTION_CLOSED_TICKETS_ACTION", default="anonymise")
if HELPDESK_RETENTION_CLOSED_TICKETS_ACTION not in ("anonymise", "delete"):
    raise ImproperlyConfigured("HELPDESK_RETENTION_CLOSED_TICKETS_ACTION must be anonymise or delete.")
HELPDESK_RETENTION_INBOUND_MAIL_MONTHS = env.int("HELPDESK_RETENTION_INBOUND_MAIL_MONTHS", default=0)
HELPDESK_RETENTION_OUTBOX_MONTHS = env.int("HELPDESK_RETENTION_OUTBOX_MONTHS", default=0)
HELPDESK_RETENTION_AUDIT_MONTHS = env.int("HELPDESK_RETENTION_AUDIT_MONTHS", default=0)  # audit history rows
SIMPLE_HISTORY_REVERT_DISABLED = True  # history is read-only in the admin: changes go through the services
HELPDESK_RETENTION_BATCH = env.int("HELPDESK_RETENTION_BATCH", default=500)  # rows per transaction
# In-app notifications (tickets.alerts.retention, nightly): read ones go this many days after they were
# made, unread ones after the second number; deleted this many per transaction.
HELPDESK_ALERTS_KEEP_READ_DAYS = env.int("HELPDESK_ALERTS_KEEP_READ_DAYS", default=90)
HELPDESK_ALERTS_KEEP_UNREAD_DAYS = env.int("HELPDESK_ALERTS_KEEP_UNREAD_DAYS", default=365)
HELPDESK_ALERTS_PURGE_BATCH = env.int("HELPDESK_ALERTS_PURGE_BATCH", default=2000)

# Statements compiled once per process (helpdesk.statements) are also prepared once per PostgreSQL
# connection, so PostgreSQL plans them once rather than on every request (0.1-1 ms a statement at a
# million tickets). Off behind a pooler that does not keep a session's prepared statements (PgBouncer in
# transaction mode, or one that runs DISCARD ALL between clients).
HELPDESK_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)

# The files of an agent's public reply travel with the customer's mail as attachments (read from storage
# when the outbox sends it), up to this many bytes together; what does not fit is listed by name and size.
HELPDESK_MAIL_ATTACHMENTS_MAX_BYTES = env.int("HELPDESK_MAIL_ATTACHMENTS_MAX_BYTES", default=10 * 1024 * 1024)

# Files no channel accepts (tickets.attachments.store.blocked_extension): programs and scripts that run
# when opened, as mail providers block them (Gmail's and Outlook's lists). Matched on a name's last
# extension in any letter case, after trailing dots and spaces and invisible characters are dropped, so
# "invoice.pdf.exe", "setup.EXE." and "run.exe::$DATA" are all refused. Pages and the API refuse the
# upload naming the file; an email's such file is withheld with an event on its ticket. A comma-separated
# list replaces this one (empty: no file type is refused).
_BLOCKED_DEFAULT = (  # noqa: SIM905 (a list of words reads better than 63 lines of one word each)
    "ade adp apk app application appx appxbundle bat cab chm cmd com cpl diagcab dll exe gadget hta img inf ins "
    "iso isp jar jnlp js jse lnk mde msc msi msix msixbundle msp mst nsh pif ps1 ps1xml ps2 ps2xml psc1 psc2 psm1 "
    "reg scf scr sct shb shs sys url vb vbe vbs vhd vhdx vxd ws wsc wsf wsh xll"
).split()
HELPDESK_BLOCKED_FILE_EXTENSIONS = env.list("HELPDESK_BLOCKED_FILE_EXTENSIONS", default=_BLOCKED_DEFAULT)
