"""Reads for the customer portal, scoped through tickets.selectors, shaped for its pages.

Statuses are said in plain words ("waiting for you", "with our Billing team"); an open referral
shows only the team it went to, never its note.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers import selectors as customer_selectors
from customers.models import Contact, Product, ServiceContract, SlaPolicy, WorkingPeriod
from helpdesk import dates
from helpdesk.models import Priority, User
from tickets import selectors, timeline_reads
from tickets.models import OPEN_STATUSES, Attachment, Message, Referral, SatisfactionRating, Status, Ticket, TicketLink
from tickets.portal.holidays import HolidayRow, holiday_rows
from tickets.timetrack.selectors import HoursBank, contract_hours
from tickets.transitions import customer_can_reopen, customer_reply_opens_follow_up

# --- statuses in plain words ------------------------------------------------------------------


# The CSS hook of a custom status's customer label: the one of the status it stands for.
_CUSTOM_KEYS = {Status.PENDING: "waiting", Status.SOLVED: "solved", Status.CLOSED: "closed"}


@dataclass(frozen=True)
class PlainStatus:
    key: str  # a CSS hook: received, team, waiting, solved, closed
    text: str


def plain_status(ticket: Ticket, *, viewer: Contact | None = None) -> PlainStatus:
    """How a customer should read a status. Expects `open_referrals` prefetched (see with_referrals).

    A request waiting for its requester reads "Waiting for you" to them and "Waiting for the requester"
    to a colleague who sees it on the organization's list (`viewer` is the reading contact). A ticket on a
    custom status with a customer label reads that label (the selectors join it: no query)."""
    custom = ticket.custom_status if ticket.__dict__.get("custom_status_id") else None
    if custom is not None and custom.customer_text:
        return PlainStatus(_CUSTOM_KEYS.get(ticket.status, "team"), custom.customer_text)
    if ticket.status == Status.PENDING:
        if viewer is not None and ticket.requester_id != viewer.pk:
            return PlainStatus("waiting", _("Waiting for the requester"))
        return PlainStatus("waiting", _("Waiting for you"))
    if ticket.status == Status.SOLVED:
        return PlainStatus("solved", _("Solved"))
    if ticket.status == Status.CLOSED:
        return PlainStatus("closed", _("Closed"))
    referrals = getattr(ticket, "open_referrals", [])
    team = referrals[-1].to_team if referrals else ticket.team
    if ticket.status == Status.NEW and not referrals:
        return PlainStatus("received", _("Received"))
    if team is not None:
        # The team's name keeps its own direction inside the sentence (an English name on a Persian page).
        sentence = conditional_escape(_("With our %(team)s team")) % {
            "team": format_html("<bdi>{}</bdi>", team.display_name)
        }
        return PlainStatus("team", mark_safe(sentence))  # noqa: S308 (the sentence escaped, the name format_html's)
    return PlainStatus("team", _("We are working on it"))


def open_referrals() -> QuerySet[Referral]:
    return Referral.objects.filter(state=Referral.State.OPEN).select_related("to_team").order_by("id")


def with_referrals(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.prefetch_related(Prefetch("referrals", queryset=open_referrals(), to_attr="open_referrals"))


@dataclass(frozen=True)
class Row:
    ticket: Ticket
    status: PlainStatus
    requester: str = ""
    rating: SatisfactionRating | None = None


def request_rows(
    tickets, *, with_requester: bool = False, with_rating: bool = False, viewer: Contact | None = None
) -> list[Row]:
    """Rows for a list of tickets from selectors.ticket_list_for (team and requester joined) or
    selectors.ticket_rows; `with_rating` expects `satisfaction_rating` read with them."""
    return [
        Row(
            ticket=t,
            status=plain_status(t, viewer=viewer),
            requester=str(t.requester) if with_requester else "",
            rating=getattr(t, "satisfaction_rating", None) if with_rating else None,
        )
        for t in tickets
    ]


def organization_tickets_for(*, user: User, contact: Contact | None) -> QuerySet[Ticket] | None:
    """All requests of the contact's organization when it shares them; None when it does not."""
    organization = contact.organization if contact is not None else None
    if organization is None or not organization.share_tickets:
        return None
    qs = selectors.ticket_list_for(user=user, filters={"organization": organization.pk}, ordering="updated")
    return with_referrals(qs)


def organization_rows(tickets, *, viewer: Contact | None) -> list[Row]:
    return request_rows(tickets, with_requester=True, viewer=viewer)


# --- one request ------------------------------------------------------------------------------


# What the page offers; tickets.services enforces the same rules (tickets.transitions) on every channel.


def can_reopen(ticket: Ticket, *, now: datetime) -> bool:
    return customer_can_reopen(ticket, now=now)


def can_reply(ticket: Ticket, *, now: datetime) -> bool:
    """The reply form (it reopens a recently solved request); otherwise the follow-up form is shown."""
    return ticket.status in OPEN_STATUSES or customer_can_reopen(ticket, now=now)


def can_solve(ticket: Ticket) -> bool:
    return ticket.status in OPEN_STATUSES


def can_follow_up(ticket: Ticket, *, now: datetime) -> bool:
    return customer_reply_opens_follow_up(ticket, now=now)


@dataclass(frozen=True)
class PortalMessage:
    message: Message
    author: str
    from_support: bool
    from_you: bool
    attachments: list[Attachment]


@dataclass
class TicketPage:
    ticket: Ticket
    status: PlainStatus
    messages: list[PortalMessage]
    rating: SatisfactionRating | None
    follow_ups: list[Ticket] = field(default_factory=list)
    follows: list[Ticket] = field(default_factory=list)
    requester_is_you: bool = True


def ticket_page_for(*, user: User, contact: Contact | None, ticket: Ticket) -> TicketPage:
    """Public messages with attachments, open referral teams, rating and follow-up links (5 queries)."""
    ticket.open_referrals = list(open_referrals().filter(ticket_id=ticket.pk))
    rows = []
    for message in timeline_reads.messages_shown(user=user, ticket=ticket):
        from_support = message.author_contact_id is None
        if from_support:
            author = message.author_user.get_full_name() if message.author_user else _("Support team")
        else:
            author = str(message.author_contact) if message.author_contact else _("Customer")
        rows.append(
            PortalMessage(
                message=message,
                author=author,
                from_support=from_support,
                from_you=contact is not None and message.author_contact_id == contact.pk,
                attachments=list(message.attachments.all()),
            )
        )
    links = list(
        TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket), kind=TicketLink.Kind.FOLLOW_UP)
        .order_by("id")
        .values_list("from_ticket_id", "to_ticket_id")
    )
    other_ids = {source if target == ticket.pk else target for source, target in links}
    visible = selectors.ticket_base_for(user=user)
    linked = {t.pk: t for t in visible.filter(pk__in=other_ids)} if other_ids else {}
    return TicketPage(
        ticket=ticket,
        status=plain_status(ticket, viewer=contact),
        messages=rows,
        rating=SatisfactionRating.objects.filter(ticket=ticket).first(),
        follow_ups=[linked[source] for source, target in links if target == ticket.pk and source in linked],
        follows=[linked[target] for source, target in links if source == ticket.pk and target in linked],
        requester_is_you=contact is not None and ticket.requester_id == contact.pk,
    )


def products_for_new_request(*, contact: Contact, today: date) -> QuerySet[Product]:
    """The products the customer's valid contract covers; any active product without one."""
    contract = customer_selectors.contract_for(contact=contact, organization=contact.organization, on=today)
    active = Product.objects.filter(is_active=True).order_by("name")
    if contract is not None and contract.products.exists():
        return active.filter(pk__in=contract.products.values("pk"))
    return active


# --- my contract ------------------------------------------------------------------------------


def _digits(text: str) -> str:
    return dates.persian_digits(text) if translation.get_language() == "fa" else text


def business_duration(minutes: int | None) -> str:
    """A target in words: "30 minutes", "4 hours", "1 hour 30 minutes"; "no target" when empty."""
    if not minutes:
        return _("no set target")
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": _digits(str(hours))})
    if rest:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", rest) % {"n": _digits(str(rest))})
    return " ".join(parts)


@dataclass(frozen=True)
class TargetRow:
    priority: str
    first_response: str
    resolution: str


@dataclass(frozen=True)
class DayRow:
    day: str
    hours: str
    open: bool


@dataclass
class ContractPage:
    contract: ServiceContract | None
    products: list[Product]
    policy: SlaPolicy | None
    targets: list[TargetRow]
    always_open: bool = False
    time_zone: str = ""
    days: list[DayRow] = field(default_factory=list)
    holidays: list[HolidayRow] = field(default_factory=list)
    hours: HoursBank | None = None  # the contract's hours bank: totals only, never an agent's entries


PRIORITY_ORDER = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)


def _time(value) -> str:
    return _digits("24:00" if value.hour == 0 and value.minute == 0 else f"{value:%H:%M}")


def _week(periods: list[WorkingPeriod]) -> list[DayRow]:
    fa = translation.get_language() == "fa"
    order = (5, 6, 0, 1, 2, 3, 4) if fa else (0, 1, 2, 3, 4, 5, 6)
    by_day: dict[int, list[WorkingPeriod]] = {}
    for period in periods:
        by_day.setdefault(period.weekday, []).append(period)
    rows = []
    for weekday in order:
        spans = sorted(by_day.get(weekday, []), key=lambda p: p.start)
        text = ("، " if fa else ", ").join(f"{_time(p.start)}–{_time(p.end)}" for p in spans)
        rows.append(DayRow(str(WorkingPeriod.Weekday(weekday).label), text or _("Closed"), bool(spans)))
    return rows


def contract_page_for(*, user: User, contact: Contact | None, today: date) -> ContractPage:
    """The contract covering the customer today, its policy's targets, the support hours and the
    contract's hours bank (used and left).

    Without a contract, the policy that would apply (organization's or the default) is shown.
    """
    organization = contact.organization if contact is not None else None
    contract = (
        customer_selectors.contract_for(contact=contact, organization=organization, on=today)
        if contact is not None
        else None
    )
    policy = customer_selectors.sla_policy_for(contract=contract, organization=organization)
    products = sorted(contract.products.all(), key=lambda p: p.name) if contract is not None else []
    page = ContractPage(contract=contract, products=products, policy=policy, targets=[])
    if contract is not None and contract.hours_bank is not None:
        page.hours = contract_hours(contract=contract)
    if policy is None:
        return page
    policy = (
        SlaPolicy.objects.select_related("calendar")
        .prefetch_related("targets", "calendar__periods", "calendar__holidays")
        .get(pk=policy.pk)
    )
    page.policy = policy
    targets = {t.priority: t for t in policy.targets.all()}
    for priority in PRIORITY_ORDER:
        target = targets.get(priority)
        if target is None:
            continue
        page.targets.append(
            TargetRow(
                priority=str(Priority(priority).label),
                first_response=business_duration(target.first_response_minutes),
                resolution=business_duration(target.resolution_minutes),
            )
        )
    calendar = policy.calendar
    page.always_open = calendar.always_open
    page.time_zone = dates.time_zone_label(calendar.time_zone, translation.get_language() or "en")
    if not calendar.always_open:  # a 24/7 calendar ignores weekly hours and holidays (tickets.sla.clock)
        page.days = _week(list(calendar.periods.all()))
        page.holidays = holiday_rows(list(calendar.holidays.all()), today=today)
    return page


def today() -> date:
    return timezone.localdate()
