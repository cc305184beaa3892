"""What the lowest layer tells the apps above it when data they depend on changes. They connect to
these; helpdesk and customers never import them (docs/architecture.md, dependency direction)."""

from django.dispatch import Signal

# Sent inside the saving transaction when what an SLA clock counts may have changed: a policy's
# targets or calendar (`policy_ids`), a calendar's hours, holidays or time zone (`calendar_ids`), a
# team's referral target or the calendar it keeps (`team_ids`). tickets has the open tickets and
# referrals under them checked again once the change commits (tickets.sla.terms). Defined here, below
# customers, so a team's change (helpdesk) can send it too; customers.signals names the same signal.
sla_terms_changed = Signal()

# Sent after a contact's name or email address, or an organization's name, changed (`contact_ids`,
# `organization_ids`): ticket search indexes these names, so tickets has their tickets' words rebuilt
# in the background once the change commits (tickets.tasks.search_names_changed).
search_names_changed = Signal()

# Sent after a login's full name changed (`user`), by helpdesk.services.user_rename: customers has a
# customer login's contact take the same name through its one rename service, which has the contact's
# tickets re-indexed (search_names_changed above).
user_renamed = Signal()
