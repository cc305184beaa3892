"""Demo categories (two levels), root causes and one problem with its incidents (load_demo; safe to run again)."""

from helpdesk.models import NotificationLog, Team, User
from tickets import services as ticket_services
from tickets.models import Category, Problem, RootCause, Status, Ticket
from tickets.problems import services

# (name, Persian name, [(child, Persian child, subjects of demo tickets it classifies)])
TREE = [
    (
        "Access",
        "دسترسی",
        [
            (
                "Sign-in and passwords",
                "ورود و گذرواژه",
                ["Cannot log in after password change", "ورود به پرتال ممکن نیست"],
            ),
            ("Two-factor codes", "کدهای ورود دومرحله‌ای", ["Two-factor codes not arriving by SMS"]),
        ],
    ),
    (
        "Billing",
        "مالی",
        [
            ("Invoices", "فاکتورها", ["Invoice 2026-114 charged twice", "فاکتور اسفند دو بار صادر شده است"]),
            ("Plans and upgrades", "طرح‌ها و ارتقا", ["Upgrade to the Business plan"]),
        ],
    ),
    (
        "Infrastructure",
        "زیرساخت",
        [
            ("Backups", "پشتیبان‌گیری", ["Backups failing since Tuesday", "پشتیبان‌گیری شبانه انجام نشده"]),
            ("Email delivery", "تحویل ایمیل", ["Emails to Gmail bounce"]),
            ("Performance", "کارایی", ["Server slow during business hours", "کندی سامانهٔ حسابداری"]),
        ],
    ),
]
ROOT_CAUSES = [
    ("Configuration error", "خطای پیکربندی"),
    ("Software bug", "اشکال نرم‌افزار"),
    ("Capacity", "کمبود ظرفیت"),
    ("Third-party outage", "قطعی سرویس بیرونی"),
    ("User error", "خطای کاربر"),
]
PROBLEM_TICKETS = ["Backups failing since Tuesday", "پشتیبان‌گیری شبانه انجام نشده", "Server slow during business hours"]


def load() -> int:
    """Create the demo tree, root causes and problem once; returns how many categories were made."""
    if Category.objects.exists():
        return 0
    actor = User.objects.filter(email="admin@example.com").first()
    if actor is None:
        return 0
    first_notification = NotificationLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for position, (name, name_fa) in enumerate(ROOT_CAUSES):
        RootCause.objects.create(name=name, name_fa=name_fa, position=position)
    made = 0
    for position, (name, name_fa, children) in enumerate(TREE):
        parent = Category.objects.create(name=name, name_fa=name_fa, position=position)
        made += 1
        for child_position, (child, child_fa, subjects) in enumerate(children):
            category = Category.objects.create(name=child, name_fa=child_fa, parent=parent, position=child_position)
            made += 1
            for ticket in Ticket.objects.filter(subject__in=subjects):  # as of the ticket's last change
                ticket_services.ticket_edit(
                    ticket=ticket, actor=actor, changes={"category": category}, now=ticket.updated_at
                )
    _root_causes(actor)
    _problem(actor)
    NotificationLog.objects.filter(id__gt=first_notification).delete()  # demo data mails nobody
    return made


def _root_causes(actor: User) -> None:
    """The solved demo tickets carry the root cause their agent chose (the trends report's second table)."""
    causes = list(RootCause.objects.order_by("position")[:3])
    solved = Ticket.objects.filter(status=Status.SOLVED, root_cause__isnull=True).order_by("pk")
    for index, ticket in enumerate(solved):
        ticket_services.ticket_edit(
            ticket=ticket, actor=actor, changes={"root_cause": causes[index % len(causes)]}, now=ticket.updated_at
        )


def _problem(actor: User) -> None:
    tickets = list(Ticket.objects.filter(subject__in=PROBLEM_TICKETS).order_by("pk"))
    if not tickets:
        return
    services.problem_create(
        actor=actor,
        title="Backup storage is full at night",
        description="Nightly backups stop with “disk quota exceeded”, and the backup run slows the servers.",
        cause="The backup volume holds 30 days of full copies; it filled up on Tuesday. "
        "Workaround: old copies are removed by hand each morning.",
        status=Problem.Status.KNOWN_ERROR,
        root_cause=RootCause.objects.filter(name="Capacity").first(),
        owner=User.objects.filter(email="reza@example.com").first(),
        team=Team.objects.filter(slug="second-line").first(),
        tickets=tickets,
    )
