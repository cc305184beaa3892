"""Satisfaction ratings of solved requests: the one writer, its predicates and the email links.

A rating is 1 (bad) to 5 (great) with an optional comment, one per request, given by its requester,
changeable for HELPDESK_RATING_CHANGE_DAYS days. The one-click links in the "solved" mail carry a
signed (ticket, score) token; opening one only shows a confirmation page, the POST saves.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Contact
from helpdesk.exceptions import DomainError, NotAllowed
from tickets import events
from tickets.models import EventKind, SatisfactionRating, Status, Ticket
from tickets.satisfaction import follow_ups

LINK_SALT = "tickets.ratings.link"
TOKEN_DAYS = 30
SCORES = (1, 2, 3, 4, 5)
CHOOSE_A_SCORE = gettext_lazy("Choose a score from 1 to 5.")  # the service's refusal, and the forms'
RATED_STATUSES = (Status.SOLVED, Status.CLOSED)


class RatingLocked(DomainError):
    code = "rating_locked"
    status = 409
    default_detail = gettext_lazy("This rating can no longer be changed.")


class RatingLinkInvalid(DomainError):
    code = "link_invalid"
    default_detail = gettext_lazy("This rating link is no longer valid.")


def change_days() -> int:
    return getattr(settings, "HELPDESK_RATING_CHANGE_DAYS", 7)


def can_rate(*, ticket: Ticket, contact: Contact | None, rating: SatisfactionRating | None, now: datetime) -> bool:
    """The requester may rate a solved or closed request, and change it for a few days."""
    if contact is None or ticket.requester_id != contact.pk or ticket.status not in RATED_STATUSES:
        return False
    return rating is None or now - rating.created_at <= timedelta(days=change_days())


@transaction.atomic
def rating_submit(
    *, ticket: Ticket, contact: Contact, score: int, comment: str = "", now: datetime | None = None
) -> SatisfactionRating:
    """Save the requester's rating (or change it within the allowed days); records a FIELD_CHANGED
    event with field "rating" (EventKind has no kind of its own for it). A bad score opens a
    follow-up for the team lead, a score raised above the threshold closes the open one
    (tickets.satisfaction.follow_ups.follow_up_on_rating)."""
    now = now or timezone.now()
    if score not in SCORES:
        raise ValidationError({"score": [str(CHOOSE_A_SCORE)]})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.requester_id != contact.pk:
        raise NotAllowed(_("Only the requester can rate this request."))
    if ticket.status not in RATED_STATUSES:
        raise DomainError(_("A request can be rated once it is solved."), code="not_solved")
    comment = (comment or "").strip()[:5000]
    rating = SatisfactionRating.objects.filter(ticket=ticket).first()
    old = ""
    if rating is None:
        rating = SatisfactionRating.objects.create(
            ticket=ticket, contact=contact, score=score, comment=comment, created_at=now, updated_at=now
        )
    else:
        if now - rating.created_at > timedelta(days=change_days()):
            raise RatingLocked()
        old = str(rating.score)
        rating.score, rating.comment, rating.updated_at, rating.contact = score, comment, now, contact
        rating.save(update_fields=["score", "comment", "updated_at", "contact"])
    events.event_record(
        ticket=ticket,
        kind=EventKind.FIELD_CHANGED,
        actor=contact.user,
        field="rating",
        old=old,
        new=str(score),
        data={"rating": rating.pk, "score": score, "comment": comment[:500]},
        at=now,
    )
    rating.ticket = ticket
    follow_ups.follow_up_on_rating(rating=rating, now=now)
    return rating


# --- one-click links --------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingLink:
    ticket: Ticket
    score: int


def rating_token(*, ticket: Ticket, score: int) -> str:
    return signing.dumps({"t": ticket.pk, "s": score}, salt=LINK_SALT)


def rating_link_path(*, ticket: Ticket, score: int) -> str:
    """The path of the one-click link for the "solved" mail (prefix it with SITE_URL)."""
    return reverse("portal:rate_link", args=[rating_token(ticket=ticket, score=score)])


def rating_link_read(*, token: str) -> RatingLink:
    """The request and score a link names; RatingLinkInvalid when forged or older than TOKEN_DAYS.

    The signed token is the proof of access (it was mailed to the requester), so the ticket is
    loaded without a user; only its number and subject are shown.
    """
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=TOKEN_DAYS * 86400)
    except signing.BadSignature as exc:
        raise RatingLinkInvalid() from exc
    ticket = Ticket.objects.select_related("requester").filter(pk=data.get("t"), merged_into__isnull=True).first()
    if ticket is None or data.get("s") not in SCORES:
        raise RatingLinkInvalid()
    return RatingLink(ticket=ticket, score=data["s"])
