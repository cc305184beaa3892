"""Every read of the notification centre, scoped to the reading agent: nobody reads another's."""

from django.db.models import QuerySet

from helpdesk.models import User
from helpdesk.statements import STAND_IN_ID, Compiled
from tickets.models import DEFAULT_DELIVERY, Notification, NotificationPreference

BADGE_CAP = 99  # the bell shows "99+" past this, so the count never reads more than 100 index entries
LIST_FIELDS = (
    "id",
    "kind",
    "params",
    "url",
    "created_at",
    "read_at",
    "ticket_id",
    "referral_id",
    "actor_id",
    "ticket__subject",
    "actor__full_name",
    "actor__email",
)


def notification_list_for(*, user: User, unread: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first (alert_recipient_unread_idx), with the ticket's
    subject and the actor's name joined; `unread` keeps the unread ones only."""
    qs = Notification.objects.filter(recipient=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.select_related("ticket", "actor").only(*LIST_FIELDS).order_by("-created_at", "-id")


def notification_get_for(*, user: User, notification_id: int) -> Notification | None:
    """One of the user's own notifications, or None (someone else's does not exist for them)."""
    return notification_list_for(user=user).filter(pk=notification_id).first()


def _unread_count(recipient_id: int) -> tuple[str, str, list]:
    capped = Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True).order_by().values("pk")
    sql, params = capped[: BADGE_CAP + 1].query.sql_with_params()
    return capped.db, f"SELECT COUNT(*) FROM ({sql}) AS unread", params  # noqa: S608 (SQL from the ORM)


# The bell asks every 20 seconds in every agent's tab: its statement is compiled once per process
# (helpdesk.statements), not by the ORM on each poll.
_UNREAD_COUNT = Compiled(_unread_count, {"recipient_id": STAND_IN_ID})


def unread_count_for(*, user: User) -> int:
    """The user's unread notifications counted up to BADGE_CAP + 1 on alert_recipient_unread_idx:
    SELECT COUNT(*) FROM (SELECT … WHERE recipient_id = … AND read_at IS NULL LIMIT 100)."""
    return _UNREAD_COUNT.rows(recipient_id=user.pk)[0][0]


def delivery_choices_for(*, user: User) -> dict[str, str]:
    """The user's delivery per kind: what they chose, else the default."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: stored.get(kind, default) for kind, default in DEFAULT_DELIVERY.items()}
