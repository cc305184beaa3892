"""Open tickets follow their SLA terms when an admin changes them (helpdesk.signals.sla_terms_changed).

A policy's targets or a calendar's hours, holidays or time zone changed: once the change commits, a
worker makes every open ticket under them due for a check now (`tickets.tasks.sla_terms_recheck`,
queued by `tickets.tasks.sla_terms_changed`), in
batches of short transactions, so the next SLA sweep (within a minute, in batches) recomputes their due
times, warnings, breaches and escalation from the ticket's whole history, as after any change.

Not in the admin's own transaction: marking 40,000 open tickets took 4 s at 100k tickets (every
SLA index is rewritten), and at a million it would hold every open ticket's row lock, and the
admin's request, for most of a minute. The hand-off is best effort (helpdesk.aftercommit): when the
broker cannot take it, a warning is logged and saving the policy or calendar again repeats it.

Open referrals count in a calendar too (the receiving team's, else the default policy's), for the
receiving team's target: the same job gives those under changed terms (a changed calendar, or a team
whose target or calendar link changed) new due times at once, in batches, through the one function
that computes them when a referral is made (tickets.sla.store.referral_set_due). Which referrals follow
which terms is decided in one place, _open_referrals_under.
"""

from collections.abc import Collection

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from customers.models import SlaPolicy
from tickets.models import Referral, Ticket
from tickets.models.tickets import OPEN_STATUSES
from tickets.sla.store import referral_set_due

BATCH = 1000


def policies_under(policy_ids=(), calendar_ids=()) -> list[int]:
    """These policies and the policies on these calendars."""
    policies = set(policy_ids)
    if calendar_ids:
        policies |= set(SlaPolicy.objects.filter(calendar_id__in=calendar_ids).values_list("pk", flat=True))
    return sorted(policies)


def open_tickets_recheck(policy_ids: list[int], *, batch: int = BATCH) -> int:
    """Make the open tickets under these policies due for a check now, `batch` rows per statement (each
    its own transaction, by id); returns how many."""
    now = timezone.now()
    under = Ticket.objects.filter(sla_policy_id__in=policy_ids, status__in=OPEN_STATUSES)
    done, last = 0, 0
    while ids := list(under.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]):
        done += Ticket.objects.filter(pk__in=ids).update(sla_next_check_at=now)
        last = ids[-1]
    return done


def _open_referrals_under(
    policy_ids: Collection[int], calendar_ids: Collection[int], team_ids: Collection[int] = ()
) -> QuerySet[Referral]:
    """Open referrals whose due time these terms decide: to one of these teams (its target or its
    calendar link changed), to a team keeping one of these calendars, or to a team without a calendar
    of its own when the default policy is among these policies or on one of these calendars."""
    counted_in = Q(to_team_id__in=team_ids) if team_ids else Q(pk__in=[])
    if calendar_ids:
        counted_in |= Q(to_team__calendar_link__calendar_id__in=calendar_ids)
    default = SlaPolicy.objects.filter(is_default=True).values_list("pk", "calendar_id").first()
    if default is not None and (default[0] in policy_ids or default[1] in calendar_ids):
        counted_in |= Q(to_team__calendar_link__isnull=True)
    return Referral.objects.filter(counted_in, state=Referral.State.OPEN)


def open_referrals_recheck(
    *, policy_ids: Collection[int], calendar_ids: Collection[int], team_ids: Collection[int] = (), batch: int = BATCH
) -> int:
    """Give the open referrals under these terms (see _open_referrals_under) their due time again, as
    referral_set_due computes it from when each was made; `batch` referrals per transaction, each
    locked, so one answered or cancelled meanwhile keeps its due time. Returns how many."""
    now = timezone.now()
    cache: dict = {}
    under = _open_referrals_under(policy_ids, calendar_ids, team_ids)
    done, last = 0, 0
    while ids := list(under.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            rows = Referral.objects.filter(pk__in=ids, state=Referral.State.OPEN).select_related("to_team")
            for referral in rows.select_for_update(of=("self",)).order_by("pk"):
                referral_set_due(referral=referral, now=now, cache=cache)
                done += 1
        last = ids[-1]
    return done
