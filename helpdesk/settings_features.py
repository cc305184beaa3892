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
# Retention (tickets.privacy.retention, nightly): months after which data goes; 0 switches a rule off.
HELPDESK_RETENTION_CLOSED_TICKETS_MONTHS = env.int("HELPDESK_RETENTION_CLOSED_TICKETS_MONTHS", default=0)
HELPDESK_RETENTION_CLOSED_TICKETS_ACTION = env("HELPDESK_RETENTION_CLOSED_TICKETS_ACTION", default="anonymise")
if HELPDESK_RETENTION_CLOSED_TICKETS_ACTION not in ("anonymise", "delete"):
    raise ImproperlyConfigured("HELPDESK_RETENTION_CLOSED_TICKETS_ACTION must be anonymise or delete.")
HELPDESK_RETENTION_INBOUND_MAIL_MONTHS = env.int("HELPDESK_RETENTION_INBOUND_MAIL_MONTHS", default=0)
HELPDESK_RETENTION_OUTBOX_MONTHS = env.int("HELPDESK_RETENTION_OUTBOX_MONTHS", default=0)
HELPDESK_RETENTION_BATCH = env.int("HELPDESK_RETENTION_BATCH", default=500)  # rows per transaction

__all__ = [name for name in dir() if name.startswith("HELPDESK_")]
