"""Every write to users, their passwords and API tokens, teams and worker heartbeats."""

import hashlib
import secrets
import zoneinfo
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .audit.services import history_forget, history_record_rows
from .exceptions import NotAllowed
from .models import ApiToken, AssignmentMode, Role, Team, User, UserSession, WorkerHeartbeat
from .security import twofactor
from .signals import sla_terms_changed, user_renamed
from .text import clean_line, is_blank

# A token's last use is written at most this often: not one UPDATE per API request.
API_TOKEN_TOUCH_SECONDS = 60


def user_email_checked(email: str, *, user: User | None = None) -> str:
    """A login's email as it is stored (lower-cased); ValidationError when another user has it in any
    letter case (`user`: the one being changed)."""
    email = User.objects.normalize_email(email).lower()
    others = User.objects.with_email(email)
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise ValidationError(
            {"email": ValidationError(_("A user with this email address already exists."), code="unique")}
        )
    return email


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
    email = user_email_checked(email)
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=clean_line(full_name),
            role=role,
            language=language,
            time_zone=time_zone,
        )
        if teams:
            user.teams.set(teams)
    return user


def team_lead_errors(lead: User | None) -> dict[str, list[str]]:
    """A team's lead gets internal mail (SLA escalations, automation), so only an agent or an
    administrator may lead a team. Every writer (admin form, services) asks this."""
    if lead is not None and lead.role not in (Role.AGENT, Role.ADMIN):
        return {
            "lead": [
                _("Only an agent or an administrator can lead a team; %(name)s is a customer.")
                % {"name": lead.full_name or lead.email}
            ]
        }
    return {}


def team_create(*, name: str, slug: str = "", email: str = "", description: str = "", lead: User | None = None) -> Team:
    """Create a team; the slug comes from the name when not given and is made unique with a number.
    Its lead, if any, is an agent or an administrator (team_lead_errors)."""
    name = clean_line(name)[:100]
    if is_blank(name):
        raise ValidationError({"name": [_("A name is required.")]})
    if errors := team_lead_errors(lead):
        raise ValidationError(errors)
    if Team.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("A team with this name already exists.")]})
    base = (slugify(slug or name, allow_unicode=False) or "team")[:50]
    candidate, number = base, 1
    while Team.objects.filter(slug=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return Team.objects.create(name=name, slug=candidate, email=email or "", description=description or "", lead=lead)


def user_rename(*, user: User, full_name: str) -> User:
    """Change the name a login goes by (the profile page, the admin); a customer's contact takes the
    same name, so agents see and search it (helpdesk.signals.user_renamed). Nothing when unchanged."""
    full_name = clean_line(full_name)
    if full_name != user.full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
        user_renamed.send(sender=User, user=user)
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
            User.contact.related.related_model._default_manager.filter(user=user).update(**chosen)
    return user


def user_set_password(*, user: User, password: str | None) -> User:
    """Give `user` a new password (None: no usable password), checked by AUTH_PASSWORD_VALIDATORS, and
    revoke every API token they hold. Every way a password changes calls this: the profile page, the
    reset-by-email link, the admin and `manage.py changepassword`. Their other sessions end too (Django
    ties a session to the password hash)."""
    if password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user=user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        api_tokens_revoke_all(user=user)
        # the other sessions no longer work (see above); the current one is listed again on its next request
        UserSession.objects.filter(user=user).delete()
    return user


def user_set_active(*, user: User, active: bool) -> User:
    """Activate or deactivate a login; deactivating revokes every API token it holds."""
    with transaction.atomic():
        if user.pk is not None:
            User.objects.filter(pk=user.pk).update(is_active=active)
            history_record_rows(model=User, pks=[user.pk])  # the update() wrote none
        user.is_active = active
        if not active:
            api_tokens_revoke_all(user=user)
    return user


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(
    *, user: User, name: str, verified: bool = False, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a personal API token for `user`, expiring after HELPDESK_API_TOKEN_DAYS (0: never).
    Returns the token and its key; only the key's hash is stored, so the key is never shown again.
    A user with (or required to have) two-factor sign-in needs `verified`: the request passed it (a
    verified session, or a code with the token login); a token never skips the second factor."""
    if twofactor.applies(user) and not verified:
        raise NotAllowed(_("Enter a code from your authenticator app first."), code="two_factor_required")
    name = clean_line(name)
    if is_blank(name):
        raise ValidationError({"name": [_("Give the token a name, such as the system that will use it.")]})
    if not user.is_active:
        raise ValidationError(_("This login is not active."))
    now = now or timezone.now()
    days = settings.HELPDESK_API_TOKEN_DAYS
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        key_hash=_key_hash(key),
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    return token, key


def api_token_authenticate(*, key: str, now: datetime) -> ApiToken | None:
    """The token with this key if it still works (not expired, its owner active), else None.
    Records the use, at most once a minute per token."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_key_hash(key)).first()
    if token is None or token.is_expired(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= timedelta(seconds=API_TOKEN_TOUCH_SECONDS):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke one token; the caller loads it through `selectors.api_token_get_for` (the owner's own)."""
    token.delete()


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every API token of `user` (password changed or reset, login deactivated, an admin's
    action); returns how many there were."""
    deleted, _counts = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_tokens_delete_expired(*, now: datetime) -> int:
    """Delete every token that expired before `now` (the nightly job); returns how many."""
    deleted, _counts = ApiToken.objects.filter(expires_at__lte=now).delete()
    return deleted


def worker_heartbeat_record(*, name: str, now: datetime) -> WorkerHeartbeat:
    """Record that a worker ran at `now` under `name` (one row per name)."""
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return heartbeat


def user_set_away(*, user: User, away: bool) -> User:
    """An agent says they are away (automatic assignment gives them nothing new) or available again."""
    # helpdesk.permissions' guards, not imported: DRF's settings import this module through authentication
    if not user.is_agent:
        raise PermissionDenied(_("Only agents may do this."))
    if user.is_away != away:
        user.is_away = away
        user.save(update_fields=["is_away"])
    return user


def team_set_assignment(*, actor: User, team: Team, mode: str | None = None, cap: int | None | str = "") -> Team:
    """Administrators choose how a team's new tickets get an owner and the cap of open tickets per
    agent (`cap=None`: no cap; leave `cap` out to keep it)."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators may do this."))
    fields = []
    if mode is not None:
        if mode not in AssignmentMode.values:
            raise ValidationError({"assignment_mode": [_("Unknown assignment mode.")]})
        team.assignment_mode = mode
        fields.append("assignment_mode")
    if cap != "":
        if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or not 1 <= cap <= 10_000):
            raise ValidationError({"max_open_per_agent": [_("A cap is a whole number from 1 to 10000, or empty.")]})
        team.max_open_per_agent = cap
        fields.append("max_open_per_agent")
    if fields:
        team.save(update_fields=fields)
    return team


# What an administrator edits on a team (the admin's form): all but the assignment's turn.
TEAM_FIELDS = (
    "name",
    "name_fa",
    "slug",
    "description",
    "email",
    "lead",
    "is_active",
    "referral_target_minutes",
    "assignment_mode",
    "max_open_per_agent",
)


def team_update(*, actor: User, team: Team, data: Mapping[str, Any]) -> Team:
    """Administrators change a team's fields (`data`: those to change, checked by the caller's form). A
    changed referral target is new terms for the open referrals to the team: sla_terms_changed, so they
    get new due times once the change commits; saving the same target sends nothing."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators may do this."))
    if unknown := set(data) - set(TEAM_FIELDS):
        raise TypeError(f"cannot update {sorted(unknown)} of Team")
    if "lead" in data and (errors := team_lead_errors(data["lead"])):
        raise ValidationError(errors)
    with transaction.atomic():
        # the stored target, under the row's lock: the instance may carry the form's values already
        before = Team.objects.select_for_update().values_list("referral_target_minutes", flat=True).get(pk=team.pk)
        for field, value in data.items():
            setattr(team, field, value)
        if data:
            team.save(update_fields=list(data))  # only these: the instance may be older than the row
        if team.referral_target_minutes != before:
            sla_terms_changed.send(sender=Team, team_ids=[team.pk])
    return team


def user_anonymise(*, user: User) -> User:
    """Erase a login's personal data (a privacy erasure): a placeholder address, no name, no password,
    deactivated, every API token revoked; its sessions end (Django ties them to the password hash)."""
    user.email = f"erased-user-{user.pk}@erased.invalid"
    user.full_name = ""
    user.language = ""
    user.time_zone = ""
    user.set_unusable_password()
    with transaction.atomic():
        user.save(update_fields=["email", "full_name", "language", "time_zone", "password"])
        user_set_active(user=user, active=False)
        history_forget(instance=user, fields=["email", "full_name"])  # earlier history rows too
    return user
