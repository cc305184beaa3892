"""Thin Celery tasks of tickets: take ids, call a service that re-checks state.

The outbox's tasks (sending and sweeping notifications, purging webhook deliveries) kept their
`tickets.tasks.*` names but live in helpdesk.outbox.tasks.
"""

from celery import shared_task
from django.utils import timezone

from helpdesk.aftercommit import enqueue_on_commit
from tickets.alerts import retention as alerts_retention
from tickets.attachments import pending
from tickets.privacy import retention
from tickets.reports import summary
from tickets.satisfaction import surveys
from tickets.search import index as search_index
from tickets.sla import escalation, terms


def sla_terms_changed(sender, *, policy_ids=(), calendar_ids=(), team_ids=(), **kwargs) -> None:
    """helpdesk.signals.sla_terms_changed: the recheck of their open tickets and referrals, queued once
    the change commits (tickets.sla.terms)."""
    policies = terms.policies_under(policy_ids, calendar_ids)
    if policies or calendar_ids or team_ids:
        enqueue_on_commit(sla_terms_recheck, policies, sorted(calendar_ids), sorted(team_ids))


@shared_task
def sla_terms_recheck(
    policy_ids: list[int], calendar_ids: list[int] | None = None, team_ids: list[int] | None = None
) -> dict:
    """After an admin changed SLA policies, calendars or a team's referral terms: the open tickets under
    them are checked again now and the open referrals under them get new due times (a job queued
    before calendar_ids or team_ids existed carries fewer arguments)."""
    return {
        "tickets": terms.open_tickets_recheck(policy_ids),
        "referrals": terms.open_referrals_recheck(
            policy_ids=policy_ids, calendar_ids=calendar_ids or [], team_ids=team_ids or []
        ),
    }


def search_names_changed(sender, *, contact_ids=(), organization_ids=(), **kwargs) -> None:
    """helpdesk.signals.search_names_changed: the renamed contacts' and organizations' tickets get their
    search words rebuilt in the background once the change commits (however many tickets they have)."""
    if contact_ids or organization_ids:
        enqueue_on_commit(search_names_refresh, sorted(contact_ids), sorted(organization_ids))


@shared_task(soft_time_limit=3600, time_limit=3700)
def search_names_refresh(contact_ids: list[int], organization_ids: list[int]) -> int:
    """The search words of these contacts' and organizations' tickets rebuilt from their current names."""
    return search_index.tickets_of_names_reindex(contact_ids=contact_ids, organization_ids=organization_ids)


@shared_task
def sla_sweep() -> dict:
    """Warnings, breaches and escalations that have come due (claimed per ticket)."""
    return escalation.sla_sweep(now=timezone.now())


@shared_task(soft_time_limit=3600, time_limit=3700)
def retention_run() -> list[dict]:
    """The retention rules switched on in the settings (tickets.privacy.retention), in batches."""
    return [
        {"rule": r.rule, "action": r.action, "count": r.count}
        for r in retention.retention_run(now=timezone.now(), dry_run=False)
    ]


@shared_task
def survey_sweep() -> int:
    """Satisfaction surveys that have come due (each ticket's survey row inserted once)."""
    return surveys.survey_sweep(now=timezone.now())


@shared_task(soft_time_limit=1800, time_limit=1900)
def alerts_purge() -> int:
    """In-app notifications past their keeping time (tickets.alerts.retention), in batches."""
    return alerts_retention.alerts_purge(now=timezone.now())


@shared_task(soft_time_limit=1800, time_limit=1900)
def report_summary_refresh() -> dict:
    """The reports' summary: whole past days, recent days and changed tickets re-read."""
    return summary.report_summary_refresh()


@shared_task(soft_time_limit=600, time_limit=660)
def pending_uploads_purge() -> int:
    """Files kept from refused reply forms and never sent, past their lifetime (tickets.attachments.pending)."""
    return pending.pending_uploads_purge(now=timezone.now())
