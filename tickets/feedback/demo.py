"""Demo product feedback and sales opportunities on the demo tickets (load_demo; safe to run again)."""

from decimal import Decimal

from customers.models import ServiceContract
from helpdesk.models import NotificationLog, User
from tickets.feedback import services
from tickets.models import FeedbackItem, Ticket
from tickets.opportunities import services as opportunity_services

ITEMS = [
    ("Dark mode for the portal", "feature_request", "planned", "https://dev.example.com/issues/DEV-412", "DEV-412"),
    ("Export invoices as CSV", "improvement", "new", "", ""),
    ("فاکتور رسمی با شناسه ملی", "feature_request", "in_progress", "", "DEV-433"),
    ("Password reset mail arrives late", "bug", "shipped", "https://dev.example.com/issues/DEV-398", "DEV-398"),
]
VALUES = [Decimal("18000"), Decimal("6500"), None]


def load() -> int:
    """Create the demo items once (linked to demo tickets) and two opportunities; how many items were made."""
    if FeedbackItem.objects.exists():
        return 0
    actor = User.objects.filter(email="admin@example.com").first()
    tickets = list(Ticket.objects.order_by("pk")[:24])
    if actor is None or not tickets:
        return 0
    first_notification = NotificationLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for contract, value in zip(ServiceContract.objects.order_by("pk"), VALUES, strict=False):
        contract.annual_value = value
        contract.save(update_fields=["annual_value"])
    for index, (title, kind, status, url, key) in enumerate(ITEMS):
        linked = tickets[index :: len(ITEMS)][: 3 + index]
        services.feedback_item_create(
            actor=actor,
            title=title,
            kind=kind,
            status=status,
            tracker_url=url,
            tracker_key=key,
            tickets=linked,
            product=linked[0].product,
        )
    for ticket, kind, value in ((tickets[0], "upgrade", Decimal("4800")), (tickets[5], "renewal", Decimal("12000"))):
        opportunity_services.opportunity_create(
            ticket=ticket, actor=actor, kind=kind, estimated_value=value, note="Asked about more seats."
        )
    NotificationLog.objects.filter(id__gt=first_notification).delete()  # demo data mails nobody
    return len(ITEMS)
