"""Telling sales about a new opportunity: one outbox mail to the sales team's address, or to each
active member in their own language. The team is HELPDESK_SALES_TEAM (a slug); none: nobody."""

from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext as _

from helpdesk.mail import recipient_locale
from helpdesk.models import NotificationLog, Team
from helpdesk.outbox.registry import MailDropped, MailPlan
from tickets import notifications
from tickets.models import Opportunity

TEMPLATES = frozenset({"opportunity_created"})


def sales_team() -> Team | None:
    slug = settings.HELPDESK_SALES_TEAM
    return Team.objects.filter(slug=slug, is_active=True).first() if slug else None


def notify_sales(*, opportunity: Opportunity) -> None:
    team = sales_team()
    if team is None:
        return
    recipients: list[tuple[str, dict]] = (
        [(team.email, recipient_locale())]
        if team.email
        else [(member.email, recipient_locale(user=member)) for member in team.members.filter(is_active=True)]
    )
    for email, locale in recipients:
        notifications.notification_queue(
            key=f"opportunity:{opportunity.pk}:{email.lower()}",
            recipient=email,
            template="opportunity_created",
            ticket=opportunity.ticket,
            context={**locale, "opportunity": opportunity.pk},
        )


def opportunity_mail(row: NotificationLog) -> MailPlan:
    """The ticket's mail (tag, threading) with the opportunity loaded when the mail is sent."""
    plan = notifications.ticket_mail(row)
    opportunity = (
        Opportunity.objects.select_related("product", "organization", "created_by")
        .filter(pk=row.context.get("opportunity"))
        .first()
    )
    if opportunity is None:
        raise MailDropped(_("The opportunity was deleted before this mail was sent."))
    return replace(plan, context={**plan.context, "opportunity": opportunity})
