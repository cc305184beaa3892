"""The audit trail of configuration and customer records (see records.py); the log that reads it is
`helpdesk.audit.log`, erasure and retention of its rows `helpdesk.audit.services`."""

from .records import AuditedRecords, audit_context, channel_reason

__all__ = ["AuditedRecords", "audit_context", "channel_reason"]
