"""Every read of time: entries (agents only: anyone else gets a 404), totals in the database, and a
contract's hours bank (used and left), which customers see for their own contracts only.

Which time counts against a contract's bank: the entries on tickets that carry the contract
(`Ticket.contract`, set when the ticket opened from the contract covering the customer), performed
on a day within the contract's validity (valid_from to valid_to, open-ended without one). Time on a
ticket of the same organization that no contract covered, or done after the contract ended, does not;
nor does time on a ticket marked as spam (a message that was never the customer's request).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from customers.models import ServiceContract
from helpdesk.models import User
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet
from tickets.models import ActivityType, Ticket, TimeEntry
from tickets.selectors import spam_out


def _require_agent(user: User | None) -> None:
    if user is None or not user.is_authenticated or not user.is_agent:
        raise Http404("No time entries here.")


def time_entry_list_for(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[TimeEntry]:
    """Entries an agent may read (all of them; Http404 for anyone else), newest day first, with the
    ticket, agent and activity joined. `filters`: ticket, agent, organization, activity, date_from, date_to."""
    _require_agent(user)
    return _entries(filters or {})


def _entries(filters: Mapping[str, Any]) -> QuerySet[TimeEntry]:
    qs = TimeEntry.objects.select_related("agent", "activity", "ticket").only(
        *(f.name for f in TimeEntry._meta.concrete_fields),
        "agent__email",
        "agent__full_name",
        "activity__name",
        "activity__name_fa",
        "activity__is_active",
        "ticket__subject",
        "ticket__organization_id",
    )
    for name, lookup in (
        ("ticket", "ticket_id"),
        ("agent", "agent_id"),
        ("activity", "activity_id"),
        ("organization", "ticket__organization_id"),
        ("contract", "ticket__contract_id"),
        ("date_from", "performed_on__gte"),
        ("date_to", "performed_on__lte"),
    ):
        if filters.get(name) not in (None, ""):
            qs = qs.filter(**{lookup: filters[name]})
    return qs.order_by("-performed_on", "-id")


def time_entry_get_for(*, user: User, entry_id: int) -> TimeEntry:
    """One entry an agent may read; Http404 for anyone else or an unknown id."""
    return get_object_or_404(time_entry_list_for(user=user), pk=entry_id)


_ACTIVE_TYPES = CompiledQuerySet(
    lambda: ActivityType.objects.filter(is_active=True).only("name", "name_fa", "position"), stand_ins={}
)


def activity_types_active() -> list[ActivityType]:
    """The activity types a form offers (one query, compiled once per process: every composer shows them)."""
    return _ACTIVE_TYPES.fetch()


@dataclass(frozen=True)
class TicketTime:
    """A ticket's time: the total, per agent (name, minutes) and its latest entries."""

    total_minutes: int
    count: int
    by_agent: list[tuple[str, int]]
    latest: list[TimeEntry]


TICKET_ENTRIES_SHOWN = 10


def _by_agent(ticket_id: int) -> QuerySet[TimeEntry]:
    # the ticket's totals are their sums: no query of their own
    return (
        TimeEntry.objects.filter(ticket_id=ticket_id)
        .values("agent_id", "agent__full_name", "agent__email")
        .annotate(minutes=Sum("minutes"), n=Count("pk"))
        .order_by("-minutes", "agent_id")
    )


def _latest(ticket_id: int) -> QuerySet[TimeEntry]:
    return _entries({"ticket": ticket_id}).select_related("message")[:TICKET_ENTRIES_SHOWN]


# The ticket page's reads of its time, compiled once per process.
_BY_AGENT = CompiledQuerySet(_by_agent, {"ticket_id": STAND_IN_ID})
_LATEST = CompiledQuerySet(_latest, {"ticket_id": STAND_IN_ID})


def ticket_time_for(*, user: User, ticket: Ticket) -> TicketTime:
    """What the ticket page shows of its time (two queries whatever the number of entries): the
    minutes per agent, whose sums are the totals, and the latest entries (time_entry_list_for's)."""
    _require_agent(user)
    rows = _BY_AGENT.fetch(ticket_id=ticket.pk)
    by_agent = [(row["agent__full_name"] or row["agent__email"], row["minutes"]) for row in rows]
    total, count = sum(row["minutes"] for row in rows), sum(row["n"] for row in rows)
    return TicketTime(total, count, by_agent, _LATEST.fetch(ticket_id=ticket.pk))


# --- contracts' hours banks ---------------------------------------------------------------------


@dataclass(frozen=True)
class HoursBank:
    """A contract's bank: the hours it includes, the minutes used against it, and what is left."""

    contract: ServiceContract
    bank_minutes: int | None  # None: the contract has no hours bank
    used_minutes: int

    @property
    def has_bank(self) -> bool:
        return self.bank_minutes is not None

    @property
    def left_minutes(self) -> int | None:
        return None if self.bank_minutes is None else self.bank_minutes - self.used_minutes

    @property
    def over(self) -> bool:
        return self.bank_minutes is not None and self.used_minutes > self.bank_minutes

    @property
    def over_minutes(self) -> int:
        left = self.left_minutes
        return -left if left is not None and left < 0 else 0

    @property
    def used_percent(self) -> int | None:
        if not self.bank_minutes:
            return None if self.bank_minutes is None else (100 if self.used_minutes else 0)
        share = Decimal(100 * self.used_minutes) / self.bank_minutes
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))  # as hd_hours rounds: half up


def _bank_minutes(hours: Decimal | None) -> int | None:
    return None if hours is None else int(round(hours * 60))


def _counts_against(contract: ServiceContract, prefix: str = "") -> Q:
    """The entries that count against `contract` (see the module's docstring)."""
    q = Q(**{f"{prefix}ticket__contract_id": contract.pk, f"{prefix}performed_on__gte": contract.valid_from})
    q &= spam_out(f"{prefix}ticket__")  # time on a spam ticket is not the customer's: never billed to them
    if contract.valid_to is not None:
        q &= Q(**{f"{prefix}performed_on__lte": contract.valid_to})
    return q


def contract_hours(*, contract: ServiceContract) -> HoursBank:
    """Used and left of one contract (one aggregate query). The caller has scoped the contract to
    its reader (customers_selectors.contract_get_for): a customer reads only their own."""
    used = TimeEntry.objects.filter(_counts_against(contract)).aggregate(m=Sum("minutes"))["m"] or 0
    return HoursBank(contract, _bank_minutes(contract.hours_bank), used)


def contracts_hours(*, contracts: Iterable[ServiceContract]) -> list[HoursBank]:
    """Used and left of several contracts in one query (a conditional sum per contract)."""
    contracts = list(contracts)
    if not contracts:
        return []
    sums = TimeEntry.objects.aggregate(
        **{f"c{c.pk}": Sum("minutes", filter=_counts_against(c)) for c in contracts},
    )
    return [HoursBank(c, _bank_minutes(c.hours_bank), sums[f"c{c.pk}"] or 0) for c in contracts]


CONTACT_CONTRACTS_SHOWN = 10


def contact_contracts_hours(*, user: User, contact) -> list[HoursBank]:
    """The hours banks of the contracts covering a contact (their own and their organization's, the
    latest first) for the agents' contact page: two queries."""
    _require_agent(user)
    q = Q(contact_id=contact.pk)
    if contact.organization_id:
        q |= Q(organization_id=contact.organization_id)
    contracts = ServiceContract.objects.filter(q, hours_bank__isnull=False).order_by("-valid_from", "name")
    return contracts_hours(contracts=contracts[:CONTACT_CONTRACTS_SHOWN])
