"""Demo tickets: a few dozen conversations in every status, channel and priority, in English and
Persian, with notes and referrals. Created through the services, so history and SLA are real.
Idempotent: skipped when the demo tickets exist already.
"""

import random
from datetime import timedelta

from django.utils import timezone

from customers.models import Contact, Product
from helpdesk.models import NotificationLog, Team, User
from tickets import services
from tickets.models import Channel, Status, Ticket, TicketType

# (subject, customer's words, agent's answer, language)
CONVERSATIONS = [
    (
        "Cannot log in after password change",
        "Since I changed my password this morning the login page says my account is locked.",
        "I unlocked your account; please try again and tell me if it works.",
        "en",
    ),
    (
        "Invoice 2026-114 charged twice",
        "Our card was charged twice for invoice 2026-114. Please refund one charge.",
        "You are right, I have refunded the second charge. It shows in 3–5 days.",
        "en",
    ),
    (
        "Backups failing since Tuesday",
        "The nightly backup job fails with 'disk quota exceeded'.",
        "We raised the quota and re-ran the backup; it finished at 02:14.",
        "en",
    ),
    (
        "Feature request: export tickets to CSV",
        "It would help our reporting to export our requests to CSV.",
        "Thank you, I passed this to our product team.",
        "en",
    ),
    (
        "Emails to Gmail bounce",
        "Mail from our domain to gmail.com bounces with 550 5.7.26.",
        "Your SPF record misses our relay; add include:mail.example.com.",
        "en",
    ),
    (
        "How do I add a user?",
        "How can I add a new colleague to our ERP account?",
        "Go to Settings → Users → Invite and enter their email.",
        "en",
    ),
    (
        "Server slow during business hours",
        "The ERP is very slow between 9 and 11 every day.",
        "We see CPU saturation at those hours; we are moving you to a larger plan.",
        "en",
    ),
    (
        "Restore a deleted mailbox",
        "We deleted the mailbox of a former employee by mistake yesterday.",
        "The mailbox is restored; it is within the 30-day window.",
        "en",
    ),
    (
        "SSL certificate expires soon",
        "Our certificate for shop.example.com expires in 5 days.",
        "Auto-renewal was off; I renewed it and turned renewal on.",
        "en",
    ),
    (
        "API returns 500 on /orders",
        "Calling GET /orders?page=3 returns a server error.",
        "A bug on our side; development fixed it in today's release.",
        "en",
    ),
    (
        "فاکتور اسفند دو بار صادر شده است",
        "برای اسفند ماه دو فاکتور یکسان برای ما صادر شده است. لطفاً یکی را باطل کنید.",
        "فاکتور تکراری باطل شد. پوزش می‌خواهیم.",
        "fa",
    ),
    (
        "ورود به پرتال ممکن نیست",
        "از دیروز نمی‌توانم وارد پرتال شوم و پیام خطای گذرواژه می‌بینم.",
        "گذرواژهٔ شما بازنشانی شد؛ لطفاً از پیوند ایمیل استفاده کنید.",
        "fa",
    ),
    (
        "کندی سامانهٔ حسابداری",
        "سامانهٔ حسابداری هنگام گزارش‌گیری ماهانه بسیار کند است.",
        "گزارش‌ها را بهینه کردیم؛ اکنون زیر یک دقیقه آماده می‌شوند.",
        "fa",
    ),
    (
        "درخواست افزودن کاربر جدید",
        "لطفاً برای همکار جدیدمان خانم رضایی یک حساب کاربری بسازید.",
        "حساب ساخته شد و پیوند فعال‌سازی برای ایشان فرستاده شد.",
        "fa",
    ),
    (
        "خطای چاپ فاکتور",
        "هنگام چاپ فاکتور پیام خطای «قالب یافت نشد» نمایش داده می‌شود.",
        "قالب چاپ به‌روزرسانی شد؛ دوباره امتحان کنید.",
        "fa",
    ),
    (
        "پشتیبان‌گیری شبانه انجام نشده",
        "دیشب نسخهٔ پشتیبان گرفته نشده است. لطفاً بررسی کنید.",
        "فضای دیسک پر بود؛ آزاد شد و پشتیبان‌گیری انجام شد.",
        "fa",
    ),
]

PLAN = [  # (status, priority, channel, type, refer_to, note)
    (Status.NEW, "urgent", Channel.EMAIL, TicketType.INCIDENT, None, False),
    (Status.NEW, "normal", Channel.PORTAL, TicketType.QUESTION, None, False),
    (Status.OPEN, "high", Channel.PHONE, TicketType.INCIDENT, "second-line", True),
    (Status.OPEN, "normal", Channel.API, TicketType.PROBLEM, "development", True),
    (Status.PENDING, "low", Channel.EMAIL, TicketType.QUESTION, None, False),
    (Status.PENDING, "normal", Channel.PORTAL, TicketType.TASK, None, True),
    (Status.ON_HOLD, "high", Channel.AGENT, TicketType.PROBLEM, "development", True),
    (Status.SOLVED, "normal", Channel.EMAIL, TicketType.QUESTION, None, False),
    (Status.SOLVED, "low", Channel.PORTAL, TicketType.FEATURE_REQUEST, "development", False),
    (Status.CLOSED, "normal", Channel.PHONE, TicketType.INCIDENT, None, True),
]


def load() -> int:
    """Create the demo tickets once; returns how many were created."""
    if Ticket.objects.filter(subject=CONVERSATIONS[0][0]).exists():
        return 0
    rng = random.Random(1405)
    agents = list(User.objects.filter(email__in=["agent@example.com", "reza@example.com", "admin@example.com"]))
    teams = {t.slug: t for t in Team.objects.all()}
    contacts_en = list(
        Contact.objects.filter(email__in=["customer@example.com", "bob@example.com", "other@example.net"])
    )
    contacts_fa = list(Contact.objects.filter(email="sara@parsian.example.org"))
    products = list(Product.objects.all())
    now = timezone.now()
    created = 0
    first_notification = NotificationLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for index, (subject, question, answer, language) in enumerate(CONVERSATIONS * 2):
        status, priority, channel, kind, refer_to, note = PLAN[index % len(PLAN)]
        contacts = contacts_fa if language == "fa" and contacts_fa else contacts_en
        requester = contacts[index % len(contacts)]
        agent = agents[index % len(agents)] if agents else None
        start = now - timedelta(hours=rng.randint(2, 24 * 20))
        title = subject if index < len(CONVERSATIONS) else f"{subject} ({index - len(CONVERSATIONS) + 2})"
        ticket = services.ticket_open(
            actor=agent if channel in (Channel.PHONE, Channel.AGENT) else None,
            requester=requester,
            subject=title,
            body=question,
            priority=priority,
            type=kind,
            channel=channel,
            product=products[index % len(products)] if products else None,
            tags=["demo", "billing" if "nvoice" in subject or "فاکتور" in subject else "technical"],
            now=start,
        )
        created += 1
        if status != Status.NEW and agent is not None:
            moment = start + timedelta(minutes=rng.randint(10, 240))
            _work(
                ticket=ticket,
                agent=agent,
                plan=(status, refer_to, note),
                language=language,
                answer=answer,
                teams=teams,
                moment=moment,
            )
    # Demo data must not mail the demo customers: drop the outbox rows it produced.
    NotificationLog.objects.filter(id__gt=first_notification).delete()
    return created


def _work(*, ticket: Ticket, agent: User, plan: tuple, language: str, answer: str, teams: dict, moment) -> None:
    """What the agents did on one demo ticket after it came in: assign, note, refer, answer, solve, close."""
    status, refer_to, note = plan
    requester = ticket.requester
    services.ticket_update(ticket=ticket, actor=agent, changes={"assignee": agent}, now=moment)
    if note:
        moment += timedelta(minutes=5)
        text = (
            "Checked the logs; looks related to last night's deploy."
            if language == "en"
            else "لاگ‌ها بررسی شد؛ به نظر به استقرار دیشب مربوط است."
        )
        services.ticket_reply(ticket=ticket, actor=agent, body=text, internal=True, now=moment)
    if refer_to and refer_to in teams:
        moment += timedelta(minutes=15)
        referral = services.ticket_refer(
            ticket=ticket,
            actor=agent,
            to_team=teams[refer_to],
            note="Can you confirm whether this is a known issue?"
            if language == "en"
            else "آیا این مشکل شناخته‌شده است؟",
            now=moment,
        )
        if status in (Status.SOLVED, Status.CLOSED):
            moment += timedelta(hours=2)
            services.referral_answer(referral=referral, actor=agent, answer="Yes, fixed in release 4.2.", now=moment)
    moment += timedelta(minutes=30)
    reply_status = {Status.PENDING: Status.PENDING, Status.ON_HOLD: Status.ON_HOLD}.get(status, Status.PENDING)
    services.ticket_reply(ticket=ticket, actor=agent, body=answer, status=reply_status, now=moment)
    if status in (Status.OPEN, Status.SOLVED, Status.CLOSED):
        moment += timedelta(hours=1)
        follow = "Thanks, that worked." if language == "en" else "ممنون، مشکل حل شد."
        services.ticket_reply(
            ticket=ticket, actor=requester.user, contact=requester, body=follow, channel=Channel.EMAIL, now=moment
        )
    if status in (Status.SOLVED, Status.CLOSED):
        moment += timedelta(minutes=20)
        services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED, now=moment)
    if status == Status.CLOSED:
        services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED, now=moment + timedelta(days=2))
