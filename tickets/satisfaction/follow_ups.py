"""Bad ratings: a follow-up for the team lead, open until an agent marks it done with a note.

A rating of HELPDESK_RATING_FOLLOW_UP_MAX_SCORE or lower (1 or 2 by default) opens one (at most one
open per ticket), records a FOLLOW_UP_OPENED event and tells the lead (`follow_up_tell_lead`, the one
place where people hear of it). Marking it done records FOLLOW_UP_DONE with the note; so does the
customer raising the rating above the threshold (`follow_up_on_rating`), which closes it by itself.
"""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from helpdesk.exceptions import DomainError
from helpdesk.models import Role, User
from helpdesk.permissions import require_agent
from tickets import events
from tickets.alerts.services import Mail, notify
from tickets.models import EventKind, NotificationKind, RatingFollowUp, SatisfactionRating, Ticket

TEMPLATE = "rating_follow_up"


class FollowUpDone(DomainError):
    code = "follow_up_done"
    status = 409
    default_detail = gettext_lazy("This follow-up was already marked done.")


def follow_up_max_score() -> int:
    return int(getattr(settings, "HELPDESK_RATING_FOLLOW_UP_MAX_SCORE", 2))


def follow_up_recipients(*, ticket: Ticket) -> list[User]:
    """Who hears of a bad rating: the lead of the ticket's team; else its active members; else the
    administrators (a ticket without a team, or a team without people)."""
    team = ticket.team
    if team is not None and team.lead_id and team.lead is not None and team.lead.is_agent:
        return [team.lead]
    if team is not None:
        members = list(team.members.filter(is_active=True).order_by("pk"))
        if members:
            return members
    return list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk"))


def follow_up_tell_lead(*, follow_up: RatingFollowUp) -> list[User]:
    """Tell the team lead (or who stands in, see `follow_up_recipients`) about a new follow-up, in the
    app and by mail as each chose (by default both; tickets.alerts.services.notify). The one place
    where people are told of a bad rating. Returns who was to be told."""
    recipients = follow_up_recipients(ticket=follow_up.ticket)
    notify(
        kind=NotificationKind.BAD_RATING,
        recipients=recipients,
        ticket=follow_up.ticket,
        params={"score": follow_up.score},
        mail=Mail(template=TEMPLATE, key=f"follow-up:{follow_up.pk}", context={"follow_up": follow_up.pk}),
    )
    return recipients


def follow_up_on_rating(*, rating: SatisfactionRating, now: datetime) -> RatingFollowUp | None:
    """After a rating is saved or changed (inside rating_submit's transaction): a bad score opens a
    follow-up (`follow_up_open`); a score above the threshold closes the open one, the customer having
    raised the rating (`follow_up_close_raised`). Returns the follow-up opened or closed, else None."""
    if rating.score <= follow_up_max_score():
        return follow_up_open(rating=rating, now=now)
    return follow_up_close_raised(rating=rating, now=now)


def follow_up_close_raised(*, rating: SatisfactionRating, now: datetime) -> RatingFollowUp | None:
    """Close the ticket's open follow-up (no agent: `resolved_by` stays empty) with a note that the
    customer raised the rating, in the site's language, and record FOLLOW_UP_DONE. None when none was open."""
    follow_up = RatingFollowUp.objects.filter(ticket_id=rating.ticket_id, resolved_at__isnull=True).first()
    if follow_up is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        note = gettext("The customer raised the rating from %(old)s to %(new)s of 5.") % {
            "old": follow_up.score,
            "new": rating.score,
        }
    closed = RatingFollowUp.objects.filter(pk=follow_up.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=None, note=note
    )
    if not closed:
        return None
    follow_up.refresh_from_db()
    events.event_record(
        ticket=rating.ticket,
        kind=EventKind.FOLLOW_UP_DONE,
        actor=None,
        new=str(rating.score),
        data={"follow_up": follow_up.pk, "note": note, "raised_to": rating.score},
        at=now,
    )
    return follow_up


def follow_up_open(*, rating: SatisfactionRating, now: datetime) -> RatingFollowUp | None:
    """After a rating is saved (inside rating_submit's transaction): open a follow-up when the score
    is bad and none is open on the ticket. Returns the new follow-up, else None."""
    if rating.score > follow_up_max_score():
        return None
    ticket = rating.ticket
    if RatingFollowUp.objects.filter(ticket=ticket, resolved_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            follow_up = RatingFollowUp.objects.create(ticket=ticket, rating=rating, score=rating.score, created_at=now)
    except IntegrityError:  # another rating of the same ticket opened one at the same moment
        return None
    told = follow_up_tell_lead(follow_up=follow_up)
    events.event_record(
        ticket=ticket,
        kind=EventKind.FOLLOW_UP_OPENED,
        actor=None,
        new=str(rating.score),
        data={"follow_up": follow_up.pk, "score": rating.score, "told": [user.email for user in told]},
        at=now,
    )
    return follow_up


@transaction.atomic
def follow_up_done(
    *, follow_up: RatingFollowUp, actor: User, note: str = "", now: datetime | None = None
) -> RatingFollowUp:
    """An agent marks the follow-up done, with what was done (the note). 409 when it already was."""
    require_agent(actor)
    now = now or timezone.now()
    note = (note or "").strip()[:5000]
    done = RatingFollowUp.objects.filter(pk=follow_up.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor, note=note
    )
    if not done:
        raise FollowUpDone()
    follow_up.refresh_from_db()
    events.event_record(
        ticket=follow_up.ticket,
        kind=EventKind.FOLLOW_UP_DONE,
        actor=actor,
        data={"follow_up": follow_up.pk, "note": note[:500]},
        at=now,
    )
    return follow_up
