"""The Celery application: configuration from Django settings (CELERY_*), schedule in code."""

import os

from celery import Celery
from celery.schedules import crontab

from helpdesk import file_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
file_broker.register()  # filesystem:// (no REDIS_URL): every message file written whole

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# the mailbox poller; telling feedback outcomes; solving a problem's incidents; timed rules
app.autodiscover_tasks(["tickets.email", "tickets.feedback", "tickets.problems", "tickets.triggers"])

# The periodic schedule. Every entry selects due rows itself and claims them, so a second beat
# running by mistake never makes anything happen twice.
app.conf.beat_schedule = {
    # every minute: record that a worker is alive (shown on /healthz)
    "worker-heartbeat": {
        "task": "helpdesk.tasks.worker_heartbeat",
        "schedule": 60.0,
        "kwargs": {"name": "beat"},
    },
    # every minute: SLA warnings, breaches and escalation steps that have come due
    "sla-sweep": {
        "task": "tickets.tasks.sla_sweep",
        "schedule": 60.0,
    },
    # every minute: timed rules (a ticket pending for N days, unassigned for 30 minutes, ...), each
    # acting once per ticket and stay in its status (claimed by a unique row, tickets.triggers.timed)
    "timed-rules": {
        "task": "tickets.triggers.tasks.timed_rules_run",
        "schedule": 60.0,
    },
    # every 5 minutes: satisfaction surveys of tickets solved HELPDESK_SURVEY_DELAY_HOURS ago
    "survey-sweep": {
        "task": "tickets.tasks.survey_sweep",
        "schedule": 300.0,
    },
    # every 10 minutes: the reports' summary (whole past days; recent days and changed tickets re-read),
    # so the heavy reports' figures for past days are at most 10 minutes old
    "report-summary-refresh": {
        "task": "tickets.tasks.report_summary_refresh",
        "schedule": 600.0,
    },
    # every 5 minutes: "solve all linked incidents" runs whose task was lost (broker restart, killed
    # worker) are queued again; their incidents' claims keep any from being solved twice
    "problem-solve-sweep": {
        "task": "tickets.problems.tasks.problem_solve_sweep",
        "schedule": 300.0,
    },
    # every minute: fetch mail of the IMAP mailboxes (each claimed, so two beats never fetch one twice)
    "email-fetch": {
        "task": "tickets.email.tasks.poll_mailboxes",
        "schedule": 60.0,
    },
    # every 30 seconds: send outbox rows whose backoff is over, or that a dead worker (its claim's
    # lease ran out) or a lost broker message left unsent
    "notification-sweep": {
        "task": "tickets.tasks.sweep_notifications",
        "schedule": 30.0,
    },
    # every night at 03:10 UTC: drop expired login sessions
    "clear-expired-sessions": {
        "task": "helpdesk.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=10),
    },
    # every night at 03:15 UTC: delete expired API tokens (they no longer work; the lists stay short)
    "delete-expired-api-tokens": {
        "task": "helpdesk.tasks.delete_expired_api_tokens",
        "schedule": crontab(hour=3, minute=15),
    },
    # nightly: forget webhook deliveries older than HELPDESK_WEBHOOK_KEEP_DAYS (mail rows stay: their
    # Message-IDs thread late replies)
    "purge-webhook-deliveries": {
        "task": "tickets.tasks.purge_webhook_deliveries",
        "schedule": crontab(hour=3, minute=20),
    },
    # every night at 03:40 UTC: the retention rules switched on (HELPDESK_RETENTION_*; all off by
    # default): old closed tickets anonymised or deleted, old raw mail and finished outbox rows deleted
    "retention": {
        "task": "tickets.tasks.retention_run",
        "schedule": crontab(hour=3, minute=40),
    },
    # every night at 03:50 UTC: in-app notifications read more than HELPDESK_ALERTS_KEEP_READ_DAYS
    # (90) days ago, or unread for HELPDESK_ALERTS_KEEP_UNREAD_DAYS (365), are deleted in batches
    "alerts-purge": {
        "task": "tickets.tasks.alerts_purge",
        "schedule": crontab(hour=3, minute=50),
    },
    # every hour at :35: files kept from refused reply forms and never sent, older than a day
    # (tickets.attachments.pending.PENDING_LIFETIME), are deleted with their rows
    "pending-uploads-purge": {
        "task": "tickets.tasks.pending_uploads_purge",
        "schedule": crontab(minute=35),
    },
}
