"""The `opportunity.created` webhook: its name and payload (plugged into the outbox by tickets.apps;
queued by tickets.opportunities.services in the transaction that creates the opportunity)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from helpdesk.outbox.delivery import iso_utc
from helpdesk.outbox.models import NotificationLog
from tickets.models import Opportunity
from tickets.output import person_ref

PREFIX = "opportunity."


def event_choices() -> list[tuple[str, str]]:
    return [("opportunity.created", str(_("Sales opportunity created")))]


def opportunity_payload(row: NotificationLog) -> dict[str, Any]:
    """`occurred_at`, `actor` and `opportunity` (as the API shows it when sent; null if deleted since)."""
    opportunity = (
        Opportunity.objects.select_related("ticket", "organization", "product", "owner", "created_by")
        .filter(pk=row.context.get("opportunity"))
        .first()
    )
    if opportunity is None:
        return {"occurred_at": iso_utc(row.created_at), "opportunity": None}
    from tickets.opportunities.api import OpportunityOutput  # imported late, as in tickets.feedback.webhooks

    return {
        "occurred_at": iso_utc(opportunity.created_at),
        "actor": person_ref(opportunity.created_by),
        "opportunity": OpportunityOutput(opportunity).data,
    }
