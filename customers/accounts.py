"""Customer accounts: sign-up with email verification, invitations, password reset, and their mails.

Every account mail is an outbox row (helpdesk.outbox) queued in the request and sent by the worker,
with the retries and the sweep of all mail, in the reader's language. Links are signed
(django.core.signing) and carry no database row. A sign-up link creates the
account only when it is opened and a password chosen, so nobody can set a password on somebody
else's address in advance; an invitation link lets a contact first known from email or phone set
their password, and their new login is linked to that contact so they see their earlier requests.
"""

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers import services
from customers.models import Contact, OrganizationDomain
from helpdesk import passwords
from helpdesk.exceptions import DomainError, NotAllowed
from helpdesk.mail import recipient_locale
from helpdesk.models import NotificationLog, Role, User
from helpdesk.outbox.queue import notification_queue
from helpdesk.outbox.registry import MailDropped, MailPlan
from helpdesk.services import user_create
from helpdesk.text import clean_line

SIGNUP_SALT = "customers.accounts.signup"
INVITE_SALT = "customers.accounts.invite"
SIGNUP_LINK_DAYS = 3
INVITE_LINK_DAYS = 14
# The account mails written from their row's context as queued (helpdesk.outbox.sending.plain_mail);
# the reset mail is written by `password_reset_mail` when the worker sends it.
PLAIN_TEMPLATES = frozenset({"account_verify", "account_exists", "account_invite"})
RESET_TEMPLATE = "account_password_reset"
# A sign-up request: one row for every address typed, written by `signup_mail` when the worker sends it.
SIGNUP_TEMPLATE = "account_signup"

logger = logging.getLogger(__name__)


class LinkInvalid(DomainError):
    code = "link_invalid"
    default_detail = gettext_lazy("This link is no longer valid. It may have expired or been used already.")


class AccountExists(DomainError):
    code = "account_exists"
    default_detail = gettext_lazy("This account is already active. Please sign in.")


@dataclass(frozen=True)
class SignupClaim:
    email: str
    full_name: str
    language: str


def _normalize(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()


def signup_allowed(*, email: str) -> bool:
    """Whether anyone may sign up with this address: open sign-up, or a domain that allows it."""
    if getattr(settings, "HELPDESK_OPEN_SIGNUP", False):
        return True
    domain = _normalize(email).rsplit("@", 1)[-1]
    return OrganizationDomain.objects.filter(domain=domain, allow_signup=True).exists()


def contact_claimable(*, email: str) -> bool:
    """Whether a contact the helpdesk already knows by this address (one who wrote in, or was added)
    has no login yet: she may claim one through sign-up's verification mail, which proves the address."""
    return bool(email) and Contact.objects.with_email(_normalize(email)).filter(user__isnull=True).exists()


def _queue(*, template: str, to: str, locale: dict[str, str], context: dict) -> None:
    """Queue one account mail, emails/<template>.*, in the reader's `locale` (see helpdesk.mail).
    Each call is a mail of its own (a random key): asking twice mails twice, as before."""
    notification_queue(
        key=f"{template}:{secrets.token_hex(12)}", recipient=to, template=template, context={**context, **locale}
    )


def user_locale(user: User, *, fallback: str = "") -> dict[str, str]:
    """The language and time zone of mail to a login: its own choice, else its contact's, else `fallback`."""
    return recipient_locale(user=user, contact=Contact.objects.filter(user=user).first(), fallback=fallback)


def password_reset_request(*, email: str) -> None:
    """Ask for a password-reset link for `email`. The request only queues an outbox row addressed to
    the typed address, the same for a known address as for an unknown one and without looking it
    up: neither the answer nor its timing tells whether an account exists (ASVS 2.5). The worker
    looks the address up when it sends (`password_reset_mail`)."""
    email = (email or "").strip()
    notification_queue(
        key=f"{RESET_TEMPLATE}:{secrets.token_hex(12)}",
        recipient=email,
        template=RESET_TEMPLATE,
        context={},
    )


def password_reset_mail(row: NotificationLog) -> MailPlan:
    """The outbox's mail builder of a reset request: a link for the active login at the row's address
    (helpdesk.passwords.password_link_user: one added or imported without a password gets a link to
    choose its first), in the person's own language, never the asking browser's. No such login: the
    sign-up link for a contact without a login (`_claim_mail`), else MailDropped, and the row is
    finished without a mail."""
    user = passwords.password_link_user(email=row.recipient)
    if user is None:
        return _claim_mail(row)
    context = passwords.password_link_context(user)
    return MailPlan(context=context, headers={"Auto-Submitted": "auto-generated"}, to=user.email, **user_locale(user))


def _signup_url(*, email: str, full_name: str, language: str) -> str:
    token = signing.dumps({"e": email, "n": full_name.strip()[:200], "l": language}, salt=SIGNUP_SALT, compress=True)
    return reverse("verify_email", args=[token])


def _claim_mail(row: NotificationLog) -> MailPlan:
    """A reset asked for an address a contact without a login has: the sign-up verification link
    instead (she claims her login). Any other address: MailDropped, nothing sent."""
    email = _normalize(row.recipient)
    contact = Contact.objects.with_email(email).filter(user__isnull=True).first()
    if contact is None or User.objects.with_email(email).exists():
        raise MailDropped(_("No active login has this address: nothing was sent."))
    url = _signup_url(email=email, full_name=contact.full_name, language=contact.language)
    return MailPlan(
        context={"email": email, "claim_url": url, "days": SIGNUP_LINK_DAYS},
        headers={"Auto-Submitted": "auto-generated"},
        **recipient_locale(contact=contact),
    )


def _check_password(password: str, *, email: str, full_name: str) -> None:
    try:
        password_validation.validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc


# --- sign-up ----------------------------------------------------------------------------------


def signup_request(*, email: str, full_name: str = "", language: str = "") -> None:
    """Start a sign-up. The request only queues one outbox row addressed to the typed address, the
    same for every address and without looking it up: neither the answer nor its timing tells
    whether the helpdesk knows the address (ASVS 2.5, as `password_reset_request`). The worker
    decides what the mail is when it sends it (`signup_mail`)."""
    notification_queue(
        key=f"{SIGNUP_TEMPLATE}:{secrets.token_hex(12)}",
        recipient=_normalize(email),
        template=SIGNUP_TEMPLATE,
        context={"full_name": clean_line(full_name), "language": language},
    )


def signup_mail(row: NotificationLog) -> MailPlan:
    """The outbox's mail builder of a sign-up request. An address with a login: a "you already have
    an account" mail in its owner's language. An address that may sign up (`signup_allowed`) or
    that a contact without a login has (`contact_claimable`: she claims her login, the mail proving
    the address is hers): the verification link, in the language of the page she signed up on. Any
    other address is by invitation: MailDropped, and the row is finished without a mail."""
    email, full_name, language = row.recipient, row.context.get("full_name", ""), row.context.get("language", "")
    headers = {"Auto-Submitted": "auto-generated"}
    existing = User.objects.with_email(email).first()
    if existing is not None:
        context = {"reset_url": reverse("password_reset"), "login_url": reverse("login")}
        locale = user_locale(existing, fallback=language)
        return MailPlan(template="account_exists", context=context, headers=headers, **locale)
    if not (signup_allowed(email=email) or contact_claimable(email=email)):
        raise MailDropped(_("Sign-up is by invitation for this address: nothing was sent."))
    context = {"full_name": full_name, "url": _signup_url(email=email, full_name=full_name, language=language)}
    locale = recipient_locale(fallback=language)
    return MailPlan(template="account_verify", context={**context, "days": SIGNUP_LINK_DAYS}, headers=headers, **locale)


def signup_read(*, token: str) -> SignupClaim:
    """What a verification link says; LinkInvalid when forged, expired, used or no longer allowed."""
    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_LINK_DAYS * 86400)
    except signing.BadSignature as exc:
        raise LinkInvalid() from exc
    claim = SignupClaim(email=data.get("e", ""), full_name=clean_line(data.get("n", "")), language=data.get("l", ""))
    if User.objects.with_email(claim.email).exists():
        raise AccountExists()
    if not (signup_allowed(email=claim.email) or contact_claimable(email=claim.email)):
        raise LinkInvalid()
    return claim


@transaction.atomic
def signup_complete(*, token: str, password: str) -> User:
    """Create the verified customer account and link it to the contact with that address (the one
    claiming her login, else created, in the organization claiming the domain). The link works once."""
    claim = signup_read(token=token)
    _check_password(password, email=claim.email, full_name=claim.full_name)
    user = user_create(
        email=claim.email,
        password=password,
        full_name=claim.full_name,
        role=Role.CUSTOMER,
        language=claim.language if claim.language in dict(settings.LANGUAGES) else "",
    )
    contact, _created = services.contact_get_or_create(email=claim.email, full_name=claim.full_name)
    if contact.user_id is None:
        contact.user = user
        # the language they signed up in is their choice: the contact follows it
        contact.language = user.language or contact.language
        contact.save(update_fields=["user", "language"])
    return user


# --- invitations ------------------------------------------------------------------------------


def _invite_token(contact: Contact) -> str:
    return signing.dumps({"c": contact.pk, "e": contact.email.lower()}, salt=INVITE_SALT)


def contact_invite(*, contact: Contact, invited_by: User) -> str:
    """Mail a contact a link to set a password for the portal; returns the link's path.

    Only agents invite. Refused (ValidationError) when the contact already has a login, has no
    email address (a login is an address) or the address belongs to another login.
    """
    if invited_by is None or not invited_by.is_agent:
        raise NotAllowed(_("Only agents may do this."))
    if contact.user_id is not None:
        raise ValidationError({"contact": [_("This contact can already sign in.")]})
    if not contact.email:
        raise ValidationError(
            {"contact": [_("This contact has no email address: add one before inviting them to the portal.")]}
        )
    if User.objects.with_email(contact.email).exists():
        raise ValidationError({"contact": [_("Another login already uses this email address.")]})
    url = reverse("invite_accept", args=[_invite_token(contact)])
    _queue(
        template="account_invite",
        to=contact.email,
        locale=recipient_locale(contact=contact),
        context={
            "full_name": contact.full_name,
            "inviter": invited_by.get_full_name(),
            "url": url,
            "days": INVITE_LINK_DAYS,
        },
    )
    logger.info("contact %s invited to the portal by user %s", contact.pk, invited_by.pk)
    return url


def invite_read(*, token: str) -> Contact:
    """The contact an invitation is for; LinkInvalid when forged, expired, used or outdated."""
    try:
        data = signing.loads(token, salt=INVITE_SALT, max_age=INVITE_LINK_DAYS * 86400)
    except signing.BadSignature as exc:
        raise LinkInvalid() from exc
    contact = Contact.objects.select_related("organization").filter(pk=data.get("c")).first()
    if contact is None or (contact.email or "").lower() != data.get("e") or contact.user_id is not None:
        raise LinkInvalid()
    if not contact.email or User.objects.with_email(contact.email).exists():
        raise LinkInvalid()
    return contact


@transaction.atomic
def invite_accept(*, token: str, password: str) -> User:
    """Create the contact's login with the chosen password and link it; the link works once."""
    contact = invite_read(token=token)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.user_id is not None:
        raise LinkInvalid()
    _check_password(password, email=contact.email, full_name=contact.full_name)
    user = user_create(
        email=contact.email,
        password=password,
        full_name=contact.full_name,
        role=Role.CUSTOMER,
        language=contact.language,
        time_zone=contact.time_zone,
    )
    contact.user = user
    contact.save(update_fields=["user"])
    return user
