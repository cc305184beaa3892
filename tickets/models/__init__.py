"""Tickets and everything that happens on them, one module per area; every model is importable from here."""

from helpdesk.audit.records import audited
from helpdesk.models import Priority
from tickets.models.alerts import DEFAULT_DELIVERY, Delivery, Notification, NotificationKind, NotificationPreference
from tickets.models.blocklist import BlockedSender
from tickets.models.conversation import (
    Attachment,
    Charset,
    EventKind,
    Message,
    PendingUpload,
    TicketEvent,
    attachment_path,
)
from tickets.models.email import InboundEmail, InboundEmailStatus, Mailbox, inbound_raw_path, new_push_secret
from tickets.models.feedback import FINAL_STATUSES, FeedbackItem, FeedbackLink, FeedbackStatusChange
from tickets.models.imports import ImportKind, ImportRecord
from tickets.models.opportunities import OPPORTUNITY_TRANSITIONS, Opportunity, OpportunityChange
from tickets.models.problems import Category, Problem, ProblemSolveItem, ProblemSolveJob, RootCause
from tickets.models.ratings import IdempotencyKey, RatingFollowUp, SatisfactionRating, SatisfactionSurvey
from tickets.models.referrals import Referral, TicketLink
from tickets.models.reporting import ReportFact, ReportRow, ReportSummary
from tickets.models.routing import RoutingRule
from tickets.models.statuses import CUSTOM_BASES, CustomStatus
from tickets.models.tickets import (
    NEVER_DUE,
    OPEN_STATUSES,
    SPAM_TAG,
    Channel,
    SlaState,
    Status,
    Tag,
    Ticket,
    TicketQuerySet,
    TicketType,
    priority_rank,
    sla_due,
)
from tickets.models.timetrack import MAX_ENTRY_MINUTES, ActivityType, TimeEntry
from tickets.models.triggers import TimedRule, TimedRuleRun, TimedSince, Trigger, TriggerEvent
from tickets.models.workspace import ArticleUsage, Deflection, Macro, SavedView

__all__ = [
    "BlockedSender",
    "DEFAULT_DELIVERY",
    "Delivery",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Priority",
    "Status",
    "TicketType",
    "Channel",
    "SlaState",
    "OPEN_STATUSES",
    "NEVER_DUE",
    "priority_rank",
    "sla_due",
    "SPAM_TAG",
    "Tag",
    "TicketQuerySet",
    "Ticket",
    "Message",
    "attachment_path",
    "Attachment",
    "Charset",
    "PendingUpload",
    "EventKind",
    "TicketEvent",
    "ProblemSolveItem",
    "ProblemSolveJob",
    "Referral",
    "ReportFact",
    "ReportRow",
    "ReportSummary",
    "TicketLink",
    "RoutingRule",
    "IdempotencyKey",
    "SatisfactionRating",
    "SatisfactionSurvey",
    "RatingFollowUp",
    "new_push_secret",
    "Mailbox",
    "InboundEmailStatus",
    "inbound_raw_path",
    "InboundEmail",
    "Macro",
    "ImportKind",
    "ImportRecord",
    "SavedView",
    "ArticleUsage",
    "Deflection",
    "FINAL_STATUSES",
    "FeedbackItem",
    "FeedbackLink",
    "FeedbackStatusChange",
    "OPPORTUNITY_TRANSITIONS",
    "Opportunity",
    "OpportunityChange",
    "Category",
    "RootCause",
    "Problem",
    "CUSTOM_BASES",
    "CustomStatus",
    "MAX_ENTRY_MINUTES",
    "ActivityType",
    "TimeEntry",
    "Trigger",
    "TriggerEvent",
    "TimedRule",
    "TimedRuleRun",
    "TimedSince",
]

# Every change of the configuration kept here is kept too: who, when, the values after it (helpdesk.audit).
# Never a mailbox's passwords or secrets, nor the counters and poll times the system writes.
audited(
    Mailbox,
    excluded_fields=["imap_password", "push_secret", "last_polled_at", "last_error"],
    secret_fields=["imap_password", "push_secret"],
)
audited(Macro, excluded_fields=["usage_count"])
audited(RoutingRule, excluded_fields=["updated_at"])
audited(Category, RootCause, ActivityType)
audited(Trigger, TimedRule, excluded_fields=["updated_at"])
audited(CustomStatus, m2m_fields=["teams"])
audited(BlockedSender, excluded_fields=["stopped_count", "last_stopped_at"])
