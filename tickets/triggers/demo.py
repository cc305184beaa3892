"""Demo triggers and timed rules, in English and Persian (load_demo runs this after the demo tickets
have committed, so they act on new activity only)."""

from django.db import transaction

from helpdesk.models import Team, User
from tickets.models import Status, TimedRule, Trigger
from tickets.triggers import rules

REMIND_EN = (
    "Hello {requester_name},\n\nWe are still waiting for your answer on ticket #{ticket_number} "
    "({subject}). Reply to this message and we will carry on."
)
REMIND_FA = (
    "{requester_name} عزیز، سلام،\n\nهنوز منتظر پاسخ شما دربارهٔ درخواست شمارهٔ {ticket_number} "
    "({subject}) هستیم. به همین پیام پاسخ دهید تا کار را ادامه دهیم."
)
SOLVE_EN = (
    "Hello {requester_name},\n\nWe have not heard from you for two weeks, so we are marking ticket "
    "#{ticket_number} as solved. Reply to it if you still need help."
)
SOLVE_FA = (
    "{requester_name} عزیز، سلام،\n\nدو هفته است خبری از شما نداریم؛ درخواست شمارهٔ {ticket_number} را "
    "حل‌شده علامت می‌زنیم. اگر هنوز کمک لازم دارید، به آن پاسخ دهید."
)


@transaction.atomic
def load() -> int:
    """Two triggers and three timed rules, once; returns how many were created."""
    admin = User.objects.filter(email="admin@example.com").first()
    agent = User.objects.filter(email="agent@example.com").first()
    first_line = Team.objects.filter(slug="first-line").first() or Team.objects.filter(is_active=True).first()
    if admin is None or agent is None or Trigger.objects.exists() or TimedRule.objects.exists():
        return 0
    made = _triggers(admin=admin, agent=agent, team=first_line) + _timed_rules(admin=admin, agent=agent)
    return len(made)


def _triggers(*, admin: User, agent: User, team: Team | None) -> list:
    words = ["urgent", "outage", "down", "فوری", "قطعی", "از کار افتاده"]
    first_line = team
    return [
        rules.automation_create(
            actor=admin,
            model=Trigger,
            name="Urgent words: raise the priority / کلمات فوری: افزایش اولویت",
            events=["created", "customer_replied"],
            conditions=[
                {"field": "subject_keywords", "values": words},
                {"field": "priority", "values": ["low", "normal"]},
            ],
            set_priority="high",
            add_tags=["urgent"],
            notify_team=first_line,
        ),
        rules.automation_create(
            actor=admin,
            model=Trigger,
            name="SLA breached: tell the team / نقض SLA: آگاه کردن تیم",
            events=["sla_breached"],
            add_tags=["sla-breached"],
            note="SLA breached: please take this ticket first. / SLA نقض شد: لطفاً این درخواست را زودتر بررسی کنید.",
            author=agent,
            notify_team=first_line,
        ),
    ]


def _timed_rules(*, admin: User, agent: User) -> list:
    day = 8 * 60  # a business day of the demo calendars, in minutes
    return [
        rules.automation_create(
            actor=admin,
            model=TimedRule,
            name="Pending 5 business days: remind / ۵ روز کاری در انتظار: یادآوری",
            status=Status.PENDING,
            since="status",
            minutes=5 * day,
            business_hours=True,
            reply_en=REMIND_EN,
            reply_fa=REMIND_FA,
            author=agent,
        ),
        rules.automation_create(
            actor=admin,
            model=TimedRule,
            name="Pending 10 business days: solve / ۱۰ روز کاری در انتظار: حل‌شده",
            status=Status.PENDING,
            since="status",
            minutes=10 * day,
            business_hours=True,
            reply_en=SOLVE_EN,
            reply_fa=SOLVE_FA,
            author=agent,
            set_status=Status.SOLVED,
        ),
        rules.automation_create(
            actor=admin,
            model=TimedRule,
            name="Unassigned for 30 minutes: tell the lead / ۳۰ دقیقه بی‌مسئول: آگاه کردن سرپرست",
            status=Status.NEW,
            since="created",
            minutes=30,
            conditions=[{"field": "assignee", "values": ["unset"]}],
            notify_lead=True,
        ),
    ]
