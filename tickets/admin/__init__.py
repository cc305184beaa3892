"""The tickets app's admin, one module per area: the email channel, the outbox (notifications and
webhooks) and the agent workspace's configuration (macros, saved views, article usage)."""

from tickets.admin import email, outbox, workspace  # noqa: F401 (each registers its models)
