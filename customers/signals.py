"""What customers tells the apps above it when data they depend on changes. They connect to these;
customers never imports them (docs/architecture.md, dependency direction)."""

from django.dispatch import Signal

# Sent inside the saving transaction when what an SLA clock counts may have changed: a policy's
# targets or calendar (`policy_ids`), a calendar's hours, holidays or time zone (`calendar_ids`).
# tickets has the open tickets under them checked again (tickets.sla.terms).
sla_terms_changed = Signal()
