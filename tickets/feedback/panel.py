"""The ticket page's "product feedback and sales" panel: its data loaded in one place, in a fixed
number of queries (the ticket's feedback links, its opportunities, the two forms' choices)."""

from typing import Any

from helpdesk.models import User
from tickets.feedback.forms import LinkItemForm
from tickets.feedback.selectors import feedback_links_of_ticket
from tickets.models import Ticket
from tickets.opportunities.forms import OpportunityForm
from tickets.opportunities.selectors import opportunities_of_ticket


def ticket_panel(*, user: User, ticket: Ticket, products: list | None = None) -> dict[str, Any]:
    """What templates/tickets/feedback/_ticket_panel_body.html shows (agents only; the page is theirs).
    `products`: the opportunity picker's active products, when the page read them already."""
    return {
        "ticket": ticket,
        "ear": {
            "feedback_links": feedback_links_of_ticket(user=user, ticket=ticket),
            "opportunities": opportunities_of_ticket(user=user, ticket=ticket),
            "link_form": LinkItemForm(),
            "opportunity_form": OpportunityForm(products=products),
        },
    }
