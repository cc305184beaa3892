"""Links that let a person choose a password: an administrator's "set your password" invitation to any
active login (an agent added without a password, an imported one), and the login a reset mail goes to.

Both links are Django's password-reset links (uid + `default_token_generator`): they work until the
password changes or the person signs in, and are written when the worker sends the outbox row, never
in the request, so the token is fresh and the asking page learns nothing about the address.
"""

import logging
import secrets

from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpdesk import dates
from helpdesk.exceptions import NotAllowed
from helpdesk.mail import recipient_locale
from helpdesk.models import NotificationLog, User
from helpdesk.outbox.queue import notification_queue
from helpdesk.outbox.registry import MailDropped, MailPlan

SET_PASSWORD_TEMPLATE = "account_set_password"  # noqa: S105 - a mail template name, not a secret

logger = logging.getLogger(__name__)


def password_link_user(*, email: str) -> User | None:
    """The login a password link for `email` may go to: active, at that address in any letter case,
    with or without a usable password (someone added or imported without one sets their first).
    There is no sign-in-only-through-single-sign-on kind of login: single sign-on works beside a password."""
    return User.objects.with_email(email).filter(is_active=True).first()


def password_link_context(user: User) -> dict:
    """What emails/account_password_reset.* and account_set_password.* need to write the link."""
    return {
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "first_password": not user.has_usable_password(),
    }


def user_password_invite(*, user: User, invited_by: User) -> None:
    """Mail `user` a link to set their password (an outbox row; the link is written when it is sent).

    Only administrators invite (NotAllowed otherwise). Refused (ValidationError) for an inactive
    login or one without an address. Asking twice mails twice; each link works until a password is set.
    """
    if invited_by is None or not invited_by.is_admin:
        raise NotAllowed(_("Only administrators may do this."))
    if not user.is_active:
        raise ValidationError({"user": [_("This login is deactivated: activate it before sending a link.")]})
    if not user.email:
        raise ValidationError({"user": [_("This login has no email address.")]})
    notification_queue(
        key=f"{SET_PASSWORD_TEMPLATE}:{secrets.token_hex(12)}",
        recipient=user.email,
        template=SET_PASSWORD_TEMPLATE,
        context={"user_id": user.pk, "inviter": invited_by.get_full_name()},
    )
    logger.info("user %s sent a set-password link by user %s", user.pk, invited_by.pk)


def set_password_mail(row: NotificationLog) -> MailPlan:
    """The outbox's mail builder of an invitation: the link for the login the row names, while it is
    still active and still has the row's address; otherwise MailDropped."""
    user = User.objects.filter(pk=row.context.get("user_id"), is_active=True).first()
    if user is None or user.email.lower() != row.recipient.lower():
        raise MailDropped(_("The login is deactivated or its address changed: nothing was sent."))
    context = {**password_link_context(user), "inviter": row.context.get("inviter", "")}
    return MailPlan(
        context=context, headers={"Auto-Submitted": "auto-generated"}, to=user.email, **recipient_locale(user=user)
    )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with the length as the reader writes numbers ("۱۲" in Persian) in the help under every
    new-password box and in the refusal (whose Django 5.2 text no Persian catalogue translates)."""

    def get_error_message(self) -> str:
        return dates.fill(
            ngettext(
                "This password is too short. It must contain at least %(min_length)d character.",
                "This password is too short. It must contain at least %(min_length)d characters.",
                self.min_length,
            ),
            {"min_length": self.min_length},
        )

    def get_help_text(self) -> str:
        return dates.fill(
            ngettext(
                "Your password must contain at least %(min_length)d character.",
                "Your password must contain at least %(min_length)d characters.",
                self.min_length,
            ),
            {"min_length": self.min_length},
        )
