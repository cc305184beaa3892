"""What customers tells the apps above it when data they depend on changes. They connect to these;
customers never imports them (docs/architecture.md, dependency direction)."""

# The one signal, defined in helpdesk because a team's change (helpdesk) sends it as well as a policy's
# or a calendar's (customers); its arguments are described there.
from helpdesk.signals import search_names_changed, sla_terms_changed

__all__ = ["search_names_changed", "sla_terms_changed"]
