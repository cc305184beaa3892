"""Demo custom statuses (load_demo): a few a support team would add, in English and Persian, and two
demo tickets put on them through the ticket service. Skipped once any custom status exists."""

from helpdesk.models import Team, User
from tickets import services
from tickets.models import CustomStatus, Status, Ticket
from tickets.statuses.services import custom_status_create

# (agent label, in Persian, customer label, in Persian, base status, team slugs, subject of a demo ticket)
STATUSES = [
    (
        "Waiting for a fix",
        "در انتظار رفع اشکال",
        "Our developers are preparing a fix",
        "برنامه‌نویسان ما در حال آماده‌کردن اصلاحیه هستند",
        Status.ON_HOLD,
        ["first-line", "second-line", "development"],
        "Backups failing since Tuesday",
    ),
    (
        "Visit scheduled",
        "بازدید حضوری زمان‌بندی شد",
        "A technician visit is scheduled",
        "بازدید کارشناس زمان‌بندی شده است",
        Status.ON_HOLD,
        [],
        "کندی سامانهٔ حسابداری",
    ),
    ("Waiting for the vendor", "در انتظار تأمین‌کننده", "", "", Status.ON_HOLD, [], ""),
    (
        "Waiting for the customer's test",
        "در انتظار آزمون مشتری",
        "Waiting for you to test the change",
        "منتظر آزمون تغییرات از سوی شما هستیم",
        Status.PENDING,
        [],
        "",
    ),
]


def load() -> int:
    """Create the demo custom statuses once; returns how many were made."""
    admin = User.objects.filter(email="admin@example.com").first()
    if admin is None or CustomStatus.objects.exists():
        return 0
    teams = {team.slug: team for team in Team.objects.all()}
    for position, (name, name_fa, customer, customer_fa, base, slugs, subject) in enumerate(STATUSES, start=1):
        custom = custom_status_create(
            actor=admin,
            name=name,
            name_fa=name_fa,
            customer_name=customer,
            customer_name_fa=customer_fa,
            base_status=base,
            position=position * 10,
            teams=[teams[slug] for slug in slugs if slug in teams],
        )
        ticket = Ticket.objects.filter(subject=subject).exclude(status=Status.CLOSED).first() if subject else None
        if ticket is not None and (not slugs or ticket.team_id in {teams[s].pk for s in slugs if s in teams}):
            services.ticket_edit(ticket=ticket, actor=admin, custom_status=custom, now=ticket.updated_at)
    return len(STATUSES)
