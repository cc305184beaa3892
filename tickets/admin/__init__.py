"""The tickets app's admin, one module per area: the email channel and the agent workspace's
configuration (macros, saved views, article usage). The outbox's admin is helpdesk.outbox.admin."""

from tickets.admin import email, feedback, problems, satisfaction, workspace  # noqa: F401 (each registers its models)
from tickets.alerts import admin as alerts_admin  # noqa: F401 (the notification centre)
from tickets.blocklist import admin as blocklist_admin  # noqa: F401 (blocked senders)
from tickets.routing import admin as routing_admin  # noqa: F401 (routing rules)
from tickets.statuses import admin as statuses_admin  # noqa: F401 (custom statuses)
from tickets.timetrack import admin as timetrack_admin  # noqa: F401 (activity types)
from tickets.triggers import admin as triggers_admin  # noqa: F401 (triggers and timed rules)
