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
# (ticket's place among the demo tickets, kind, estimated value, note, states it went through, owner)
OPPORTUNITIES = [
    (0, "upgrade", Decimal("4800"), "Asked about more seats.", (), ""),
    (5, "renewal", Decimal("12000"), "Contract ends in spring; wants a two-year quote.", ("contacted",), "billing"),
    (9, "new_product", Decimal("9500"), "Asked whether we also host their ERP suite.", ("contacted", "won"), "billing"),
    (14, "upgrade", Decimal("3200"), "وقتی قیمت را شنید، گفت بودجهٔ امسال تمام شده است.", ("lost",), "billing"),
]


def load() -> int:
    """Create the demo items once (linked to demo tickets) and four opportunities; how many items were made."""
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
    _opportunities(tickets=tickets, actor=actor)
    NotificationLog.objects.filter(id__gt=first_notification).delete()  # demo data mails nobody
    return len(ITEMS)


def _opportunities(*, tickets: list[Ticket], actor: User) -> None:
    """Opportunities in every state, moved along through the service as sales would."""
    owners = {u.email.split("@")[0]: u for u in User.objects.filter(email__in=["billing@example.com"])}
    for place, kind, value, note, states, owner in OPPORTUNITIES:
        if place >= len(tickets):
            continue
        opportunity = opportunity_services.opportunity_create(
            ticket=tickets[place], actor=actor, kind=kind, estimated_value=value, note=note, owner=owners.get(owner)
        )
        for state in states:
            opportunity_services.opportunity_update(opportunity=opportunity, actor=actor, changes={"state": state})
