"""Demo tickets: two dozen conversations in every status, channel and priority, in English and
Persian, with notes, referrals, attachments, ratings and macros. Created through the services, so
history and SLA are real. Idempotent: skipped when the demo tickets exist already.
"""

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from customers.models import Contact, Product
from helpdesk.models import NotificationLog, Team, User
from knowledgebase.models import Article
from knowledgebase.models import Status as ArticleStatus
from tickets import services
from tickets.attachments.store import IncomingFile
from tickets.deflection import deflection_converted, deflection_open
from tickets.models import Channel, Macro, SatisfactionSurvey, Status, Ticket, TicketType
from tickets.ratings import rating_submit
from tickets.satisfaction.surveys import survey_sweep
from tickets.timetrack.services import TimeSpent
from tickets.workspace.macros import macro_create

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
    (
        "Upgrade to the Business plan",
        "We are growing to 40 people. What would the Business plan cost us per year?",
        "I asked our sales team to send you an offer for 40 seats today.",
        "en",
    ),
    (
        "Two-factor codes not arriving by SMS",
        "Since yesterday none of our users receive the SMS code when they sign in.",
        "Our SMS provider had an outage in your region; codes arrive again since 10:40.",
        "en",
    ),
    (
        "Change the billing address",
        "Please put our new address, Harbour Street 12, on future invoices.",
        "Done: invoices from today carry the new address.",
        "en",
    ),
    (
        "Shared calendar shows wrong time zone",
        "Meetings in our shared calendar show one hour off since the clocks changed.",
        "The calendar kept the old offset; I corrected the time zone to Europe/Berlin.",
        "en",
    ),
    (
        "تمدید قرارداد پشتیبانی",
        "قرارداد ما فروردین تمام می‌شود. لطفاً پیش‌فاکتور تمدید را بفرستید.",
        "پیش‌فاکتور تمدید برای شما ایمیل شد.",
        "fa",
    ),
    (
        "ایمیل‌ها به پوشهٔ هرزنامه می‌روند",
        "ایمیل‌های ما به مشتریان در پوشهٔ هرزنامه می‌نشیند.",
        "رکورد DKIM دامنهٔ شما را اصلاح کردیم؛ لطفاً فردا دوباره بررسی کنید.",
        "fa",
    ),
    (
        "گزارش فروش ماهانه خالی است",
        "گزارش فروش آذر هیچ ردیفی ندارد، در حالی که فروش داشته‌ایم.",
        "فیلتر تاریخ گزارش روی سال گذشته مانده بود؛ اصلاح شد.",
        "fa",
    ),
    (
        "دسترسی کاربر حسابداری",
        "همکار حسابداری ما به بخش گزارش‌ها دسترسی ندارد.",
        "نقش «حسابدار» به ایشان داده شد.",
        "fa",
    ),
]

# One week of a support team's work, as it looks on a Monday morning: a few requests just in (one
# close to its first-response time), some in progress, referred or waiting, most answered in time
# and solved, two that slipped. (status, priority, channel, type, refer to, internal note, age)
PLAN = [
    (Status.NEW, "urgent", Channel.EMAIL, TicketType.INCIDENT, None, False, timedelta(minutes=11)),
    (Status.NEW, "normal", Channel.PORTAL, TicketType.QUESTION, None, False, timedelta(minutes=25)),
    (Status.OPEN, "high", Channel.PHONE, TicketType.INCIDENT, "second-line", True, timedelta(hours=3)),
    (Status.OPEN, "normal", Channel.API, TicketType.PROBLEM, "development", True, timedelta(hours=5)),
    (Status.PENDING, "low", Channel.EMAIL, TicketType.QUESTION, None, False, timedelta(days=1)),
    (Status.PENDING, "normal", Channel.PORTAL, TicketType.TASK, None, True, timedelta(days=2)),
    (Status.ON_HOLD, "high", Channel.AGENT, TicketType.PROBLEM, "development", True, timedelta(days=3)),
    (Status.SOLVED, "normal", Channel.EMAIL, TicketType.QUESTION, None, False, timedelta(days=2)),
    (Status.SOLVED, "low", Channel.PORTAL, TicketType.FEATURE_REQUEST, "development", False, timedelta(days=4)),
    (Status.CLOSED, "normal", Channel.PHONE, TicketType.INCIDENT, None, True, timedelta(days=6)),
    (Status.SOLVED, "normal", Channel.EMAIL, TicketType.QUESTION, "billing", False, timedelta(days=1)),
    (Status.NEW, "high", Channel.EMAIL, TicketType.INCIDENT, None, False, timedelta(hours=5)),
]
RATINGS = [(5, ""), (4, ""), (5, "Fast and friendly, thank you!"), (2, "It took three mails to get an answer.")]
ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a3f0e2a40000000049454e44ae426082"
)
ATTACHMENTS = {  # conversation subject -> a file the customer sent with it
    "Backups failing since Tuesday": (
        "backup-job.log",
        b"02:00 start\n02:14 ERROR disk quota exceeded\n",
        "text/plain",
    ),
    "خطای چاپ فاکتور": ("خطای-چاپ.png", ONE_PIXEL_PNG, "image/png"),
}


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
    first_notification = NotificationLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    solved: list[tuple[int, Ticket]] = []
    for index, (subject, question, answer, language) in enumerate(CONVERSATIONS):
        status, priority, channel, kind, refer_to, note, age = PLAN[index % len(PLAN)]
        contacts = contacts_fa if language == "fa" and contacts_fa else contacts_en
        agent = agents[index % len(agents)] if agents else None
        start = now - age - timedelta(minutes=rng.randint(0, 50 if age > timedelta(hours=1) else 2))
        name, content, content_type = ATTACHMENTS.get(subject, ("", b"", ""))
        ticket = services.ticket_open(
            actor=agent if channel in (Channel.PHONE, Channel.AGENT) else None,
            requester=contacts[index % len(contacts)],
            subject=subject,
            body=question,
            priority=priority,
            type=kind,
            channel=channel,
            product=products[index % len(products)] if products else None,
            tags=["billing" if "nvoice" in subject or "فاکتور" in subject else "technical"],
            attachments=[IncomingFile(name=name, content=content, content_type=content_type)] if name else (),
            now=start,
        )
        if status != Status.NEW and agent is not None:
            plan = (status, refer_to, note)
            moment = start + timedelta(minutes=rng.randint(8, 30))  # answered within its first-response time
            _work(ticket=ticket, agent=agent, plan=plan, language=language, answer=answer, teams=teams, moment=moment)
            if status in (Status.SOLVED, Status.CLOSED):
                if RATINGS[index % len(RATINGS)][0] <= 2 and status == Status.SOLVED:
                    _reopen(ticket=ticket, agent=agent, language=language)
                solved.append((index, ticket))
    _rate(solved=solved, now=now)
    _deflections(now=now, converted=solved[0][1] if solved else None)
    _macros()
    # Demo data must not mail the demo customers: drop the outbox rows it produced, but the surveys',
    # marked sent, stay (the satisfaction report counts sent surveys; a row marked sent is never mailed).
    produced = NotificationLog.objects.filter(id__gt=first_notification)
    produced.filter(key__startswith="survey:").update(sent_at=now)
    produced.exclude(key__startswith="survey:").delete()
    return len(CONVERSATIONS)


def _reopen(*, ticket: Ticket, agent: User, language: str) -> None:
    """The customer who later rates the ticket badly wrote back after the solve: it reopened, took
    another answer and was solved again (the resolution report's reopen rate and first-contact share)."""
    ticket.refresh_from_db()
    moment = ticket.solved_at + timedelta(minutes=40)
    words = (
        ("It happened again this morning.", "Found the real cause this time; it is fixed for good.")
        if language == "en"
        else ("امروز صبح دوباره همین مشکل پیش آمد.", "این بار علت اصلی پیدا و برطرف شد.")
    )
    requester = ticket.requester
    services.ticket_reply(
        ticket=ticket, actor=requester.user, contact=requester, body=words[0], channel=Channel.EMAIL, now=moment
    )
    services.ticket_reply(ticket=ticket, actor=agent, body=words[1], now=moment + timedelta(minutes=30))
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED, now=moment + timedelta(minutes=45))


def _rate(*, solved: list[tuple[int, Ticket]], now) -> None:
    """Surveys go out for the tickets solved over a day ago (as the sweep would); every customer rates
    but the last one surveyed, who leaves the survey unanswered, so the response rate is a real one.
    A ticket solved within the day is rated from its reply mail, before any survey."""
    survey_sweep(now=now)
    surveyed = set(
        SatisfactionSurvey.objects.filter(ticket__in=[t for _i, t in solved]).values_list("ticket", flat=True)
    )
    unanswered = max(surveyed, default=None)
    for index, ticket in solved:
        if ticket.pk == unanswered:
            continue
        score, comment = RATINGS[index % len(RATINGS)]
        rating_submit(ticket=ticket, contact=ticket.requester, score=score, comment=comment, now=now)


def _deflections(*, now, converted: Ticket | None) -> None:
    """Customers who read a suggested article on the new-request form: three stopped there (answered
    by the knowledge base), one sent the request anyway."""
    articles = list(Article.objects.filter(status=ArticleStatus.PUBLISHED).order_by("pk")[:3])
    contacts = list(Contact.objects.filter(user__isnull=False).select_related("user").order_by("pk")[:4])
    if not articles or not contacts:
        return
    for place, contact in enumerate(contacts):
        token, article = str(uuid.UUID(int=1405_0000 + place)), articles[place % len(articles)]
        opened = now - timedelta(days=place + 1, hours=3)
        deflection_open(contact=contact, user=contact.user, token=token, article_id=article.pk, now=opened)
        if place == len(contacts) - 1 and converted is not None:
            deflection_converted(contact=contact, token=token, ticket=converted)


def _macros() -> None:
    """Three answers every agent can use, in both languages."""
    admin = User.objects.filter(email="admin@example.com").first()
    if admin is None or Macro.objects.filter(is_global=True).exists():
        return
    for name, body, status in [
        ("Ask for a screenshot", "Could you send us a screenshot of the error, {{ customer.first_name }}?", "pending"),
        ("Password reset steps", "Open the sign-in page, choose “Forgot your password?” and follow the mail.", ""),
        ("درخواست تصویر خطا", "لطفاً یک تصویر از پیام خطا برای ما بفرستید.", "pending"),
    ]:
        macro_create(actor=admin, name=name, body=body, status=status, is_global=True)


def _work(*, ticket: Ticket, agent: User, plan: tuple, language: str, answer: str, teams: dict, moment) -> None:
    """What the agents did on one demo ticket after it came in: assign, note, refer, answer, solve, close."""
    status, refer_to, note = plan
    requester = ticket.requester
    services.ticket_update(ticket=ticket, actor=agent, changes={"assignee": agent}, now=moment)
    if note:
        moment += timedelta(minutes=2)
        text = (
            "Checked the logs; looks related to last night's deploy."
            if language == "en"
            else "لاگ‌ها بررسی شد؛ به نظر به استقرار دیشب مربوط است."
        )
        services.ticket_reply(
            ticket=ticket, actor=agent, body=text, internal=True, time=TimeSpent(minutes=25), now=moment
        )
    moment += timedelta(minutes=3)
    reply_status = {Status.PENDING: Status.PENDING, Status.ON_HOLD: Status.ON_HOLD}.get(status, Status.PENDING)
    services.ticket_reply(
        ticket=ticket, actor=agent, body=answer, status=reply_status, time=TimeSpent(minutes=10), now=moment
    )
    if refer_to and refer_to in teams:
        moment += timedelta(minutes=10)
        question = (
            "Can you confirm whether this is a known issue?" if language == "en" else "آیا این مشکل شناخته‌شده است؟"
        )
        referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=teams[refer_to], note=question, now=moment)
        if status in (Status.SOLVED, Status.CLOSED):
            moment += timedelta(hours=2)
            reply = "Yes, fixed in release 4.2." if language == "en" else "بله، در نسخهٔ ۴٫۲ رفع شد."
            services.referral_answer(referral=referral, actor=agent, answer=reply, now=moment)
    if status == Status.OPEN:
        moment += timedelta(hours=1)
        follow = (
            "Thanks. Could you also check our staging server?"
            if language == "en"
            else "ممنون. سرور آزمایشی را هم بررسی می‌کنید؟"
        )
        services.ticket_reply(
            ticket=ticket, actor=requester.user, contact=requester, body=follow, channel=Channel.EMAIL, now=moment
        )
    if status in (Status.SOLVED, Status.CLOSED):
        moment += timedelta(hours=1)
        follow = "Thanks, that worked." if language == "en" else "ممنون، مشکل حل شد."
        services.ticket_reply(
            ticket=ticket, actor=requester.user, contact=requester, body=follow, channel=Channel.EMAIL, now=moment
        )
        moment += timedelta(minutes=20)
        services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED, now=moment)
    if status == Status.CLOSED:
        services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED, now=moment + timedelta(days=2))
