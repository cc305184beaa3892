"""The timed rules' sweep (every minute, its own beat entry): each active rule acts once on each
ticket that has been in its status long enough, per cycle.

A cycle is one stay in the status: it starts when the ticket entered it (its last `status_changed`
event, else its creation). A rule acts at most once per (rule, ticket, cycle), and again only after the
ticket left the status and came back. The claim is a TimedRuleRun row inserted before acting, in the
transaction that acts: a second sweep running at the same time waits on the unique key and then skips,
and a sweep killed mid-run rolls its claim back with its changes, so the next sweep acts once.

Candidates are selected in SQL with the wall-clock time (business time is never more than it); with
`business_hours`, each is then checked in the business minutes of its SLA policy's calendar
(tickets.sla.business_time; no policy: the clock runs around the clock).
"""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import BusinessCalendar
from helpdesk.exceptions import Conflict
from tickets.models import EventKind, Ticket, TicketEvent, TimedRule, TimedRuleRun, TimedSince
from tickets.routing.engine import RuleBroken
from tickets.sla.business_time import business_minutes_between
from tickets.sla.store import calendar_from_row
from tickets.transitions import TicketMerged
from tickets.triggers import actions, engine, failures, hook

logger = logging.getLogger(__name__)

BATCH = 200  # tickets per rule per sweep; the rest wait for the next minute
SINCE = {
    TimedSince.CREATED: F("created_at"),
    TimedSince.UPDATED: F("updated_at"),
    TimedSince.CUSTOMER: F("last_customer_activity_at"),
    TimedSince.AGENT: F("last_agent_activity_at"),
    TimedSince.STATUS: F("entered"),
}


def _entered():
    """When the ticket entered its current status: its last status change, else its creation."""
    last = (
        TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=EventKind.STATUS_CHANGED)
        .order_by("-id")
        .values("created_at")[:1]
    )
    return Coalesce(Subquery(last, output_field=DateTimeField()), F("created_at"))


def candidates(*, rule: TimedRule, now: datetime) -> list[tuple[int, datetime, datetime]]:
    """(ticket id, cycle, since) of the tickets in the rule's status past its minutes on the wall clock and
    not yet claimed for this cycle, oldest first, at most BATCH."""
    claimed = TimedRuleRun.objects.filter(rule=rule, ticket=OuterRef("pk"), cycle=OuterRef("entered"))
    rows = (
        # a merged ticket takes no change (tickets.transitions.merged_check): no rule acts on it
        Ticket.objects.filter(status=rule.status, merged_into__isnull=True)
        .annotate(entered=_entered())
        .annotate(since=SINCE[rule.since])
        .filter(since__lte=now - timedelta(minutes=rule.minutes))
        .exclude(Exists(claimed))
        .order_by("since", "id")
        .values_list("pk", "entered", "since")[:BATCH]
    )
    return list(rows)


def _due(*, rule: TimedRule, ticket: Ticket, since: datetime, now: datetime, cache: dict) -> bool:
    if not rule.business_hours or ticket.sla_policy is None:
        return True
    key = ("calendar", ticket.sla_policy.calendar_id)
    if key not in cache:
        row = BusinessCalendar.objects.prefetch_related("periods", "holidays").get(pk=ticket.sla_policy.calendar_id)
        cache[key] = calendar_from_row(row)
    minutes = business_minutes_between(start=since, end=now, calendar=cache[key])
    return minutes >= rule.minutes


def timed_rule_apply(*, rule: TimedRule, ticket_id: int, cycle: datetime, since: datetime, now: datetime, cache=None):
    """Claim and act on one ticket in one transaction; True if this call acted. Raises what the rule's
    actions raise (the claim rolls back with them)."""
    cache = {} if cache is None else cache
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("requester", "team", "sla_policy")
            .annotate(entered=_entered())
            .filter(pk=ticket_id, status=rule.status)
            .first()
        )
        if ticket is None or ticket.entered != cycle:  # it moved on since it was selected
            return False
        if not _due(rule=rule, ticket=ticket, since=since, now=now, cache=cache):
            return False
        try:
            with transaction.atomic():
                TimedRuleRun.objects.create(rule=rule, ticket=ticket, cycle=cycle, created_at=now)
        except IntegrityError:
            return False  # another sweep claimed it (and acted, or will)
        with hook.acting(hook.Acting(kind="timed_rule", id=rule.pk, name=rule.name)):
            actions.act(rule=rule, ticket=ticket, event_id=None, now=now)
    return True


def _run_rule(compiled: engine.Compiled, *, now: datetime, cache: dict) -> int:
    rule: TimedRule = compiled.rule
    acted = 0
    for ticket_id, cycle, since in candidates(rule=rule, now=now):
        try:
            if compiled.conditions or compiled.error:
                ticket = Ticket.objects.select_related("category").get(pk=ticket_id)
                matched, failed = engine.triggers_match(ticket=engine.ticket_input(ticket), triggers=[compiled])
                if failed:
                    raise RuleBroken(failed[0][1])
                if not matched:
                    continue
            acted += timed_rule_apply(rule=rule, ticket_id=ticket_id, cycle=cycle, since=since, now=now, cache=cache)
        except (Conflict, TicketMerged) as exc:
            logger.info("Timed rule %s skipped on ticket #%s: %s", rule.pk, ticket_id, exc)
        except Exception as exc:  # noqa: BLE001 - switched off and reported; the sweep goes on
            failures.automation_fail(rule=rule, reason=str(exc) or exc.__class__.__name__, ticket_id=ticket_id)
            break
    return acted


def timed_rules_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Run every active timed rule once; {rule id: tickets acted on}. A failing rule never stops the others."""
    now = now or timezone.now()
    cache: dict = {}
    done = {}
    for compiled in engine.active(TimedRule):
        try:
            done[str(compiled.id)] = _run_rule(compiled, now=now, cache=cache)
        except Exception:  # noqa: BLE001 - e.g. the database refused the selection: logged, the others run
            logger.exception("Timed rule %s could not run", compiled.id)
    return done
