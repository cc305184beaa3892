"""Demo routing rules (load_demo, after the demo categories): a few rules an administrator would
write first, some named in English and some in Persian. Made through the rule service, so each is
checked like any other; skipped once any rule exists."""

from helpdesk.models import Priority, Team, User
from tickets.models import Category, Channel, RoutingRule, TicketType
from tickets.routing.rules import routing_rule_create


def load() -> int:
    """Create the demo rules once; returns how many were made."""
    admin = User.objects.filter(email="admin@example.com").first()
    if admin is None or RoutingRule.objects.exists():
        return 0
    teams = {team.slug: team for team in Team.objects.all()}
    categories = {category.name: category for category in Category.objects.all()}
    rules = [
        {
            "name": "Invoices go to Billing",
            "conditions": [_category(categories, "Billing")],
            "set_team": teams.get("billing"),
            "add_tags": ["billing"],
        },
        {
            "name": "کلمات «فاکتور» و «صورت‌حساب» به تیم مالی",
            "conditions": [{"field": "subject_keywords", "values": ["فاکتور", "صورت‌حساب", "invoice"]}],
            "set_team": teams.get("billing"),
            "set_category": categories.get("Invoices"),
        },
        {
            "name": "Infrastructure problems to second line, high priority",
            "conditions": [_category(categories, "Infrastructure")],
            "set_team": teams.get("second-line"),
            "set_priority": Priority.HIGH,
            "set_type": TicketType.INCIDENT,
        },
        {
            "name": "تماس‌های تلفنی: اولویت بالا",
            "conditions": [{"field": "channel", "values": [Channel.PHONE]}],
            "set_priority": Priority.HIGH,
        },
        {
            "name": "Feature requests to Development",
            "conditions": [{"field": "subject_keywords", "values": ["feature request", "درخواست قابلیت"]}],
            "set_team": teams.get("development"),
            "set_type": TicketType.FEATURE_REQUEST,
            "stop": True,
        },
    ]
    made = 0
    for position, rule in enumerate(rules, start=1):
        rule = {key: value for key, value in rule.items() if value is not None}
        if None in rule["conditions"] or not ({"set_team", "set_priority", "set_category"} & set(rule)):
            continue  # a category or team of the demo is missing: skip the rule rather than write it wrong
        routing_rule_create(actor=admin, position=position * 10, **rule)
        made += 1
    return made


def _category(categories: dict[str, Category], name: str) -> dict | None:
    category = categories.get(name)
    return {"field": "category", "values": [category.pk]} if category is not None else None
