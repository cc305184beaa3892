"""Every write to users, teams and worker heartbeats."""

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Role, Team, User, WorkerHeartbeat


def user_create(
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    role: str = Role.CUSTOMER,
    language: str = "",
    time_zone: str = "",
    teams: list[Team] | None = None,
) -> User:
    """Create a user; the email is lower-cased and must not exist in any letter case."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("A user with this email address already exists.")]})
    with transaction.atomic():
        user = User.objects.create_user(
            email=email, password=password, full_name=full_name, role=role, language=language, time_zone=time_zone
        )
        if teams:
            user.teams.set(teams)
    return user


def user_set_preferences(*, user: User, language: str | None = None, time_zone: str | None = None) -> User:
    """Store the language and/or time zone a user chose (profile, language switcher); unknown values
    are refused. A customer's contact follows a choice made, so mail and agents see the same language;
    a cleared value ("as my browser") leaves the contact's as it was."""
    fields = []
    if language is not None:
        if language and language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": [_("Unknown language.")]})
        user.language = language
        fields.append("language")
    if time_zone is not None:
        if time_zone:
            try:
                zoneinfo.ZoneInfo(time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
                raise ValidationError({"time_zone": [_("Unknown time zone.")]}) from exc
        user.time_zone = time_zone
        fields.append("time_zone")
    if fields:
        user.save(update_fields=fields)
        chosen = {name: getattr(user, name) for name in fields if getattr(user, name)}
        if chosen:
            # customers.Contact through the reverse one-to-one `user.contact`: customers sits above
            # helpdesk and is not imported.
            User.contact.related.related_model.objects.filter(user=user).update(**chosen)
    return user


def worker_heartbeat_record(*, name: str, now: datetime) -> WorkerHeartbeat:
    """Record that a worker ran at `now` under `name` (one row per name)."""
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return heartbeat
