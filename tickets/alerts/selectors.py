"""Every read of the notification centre, scoped to the reading agent: nobody reads another's."""

from django.db.models import QuerySet

from helpdesk.models import User
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


def unread_count_for(*, user: User) -> int:
    """The user's unread notifications counted up to BADGE_CAP + 1 on alert_recipient_unread_idx:
    SELECT COUNT(*) FROM (SELECT … WHERE recipient_id = … AND read_at IS NULL LIMIT 100)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).values("pk")[: BADGE_CAP + 1].count()


def delivery_choices_for(*, user: User) -> dict[str, str]:
    """The user's delivery per kind: what they chose, else the default."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: stored.get(kind, default) for kind, default in DEFAULT_DELIVERY.items()}
