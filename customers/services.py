"""Every write to customers: contacts, organizations, products, contracts, SLA policies, calendars.

Updates take `data`, a mapping of only the fields to change (a PATCH). Rule violations raise a
Django `ValidationError` keyed by field; deleting something still in use raises `InUse` (409).
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time
from typing import Any, NotRequired, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.exceptions import Conflict
from helpdesk.models import Priority, Team, User
from helpdesk.text import detect_language, normalize_text

from . import rules, selectors
from .models import (
    BusinessCalendar,
    Contact,
    EscalationStep,
    Holiday,
    Organization,
    OrganizationDomain,
    Product,
    ServiceContract,
    SlaPolicy,
    SlaTarget,
    WorkingPeriod,
)


class InUse(Conflict):
    code = "in_use"
    default_detail = gettext_lazy("This is still in use (for example by tickets or contracts) and cannot be deleted.")


class DomainSpec(TypedDict):
    domain: str
    allow_signup: NotRequired[bool]


class TargetSpec(TypedDict):
    priority: str
    first_response_minutes: NotRequired[int | None]
    next_response_minutes: NotRequired[int | None]
    resolution_minutes: NotRequired[int | None]


class StepSpec(TypedDict):
    action: str
    minutes_after_breach: NotRequired[int]
    team: NotRequired[Team | None]
    user: NotRequired[User | None]


class PeriodSpec(TypedDict):
    weekday: int
    start: time
    end: time


class HolidaySpec(TypedDict):
    name: str
    recurrence: NotRequired[str]
    date: NotRequired[date | None]
    month: NotRequired[int | None]
    day: NotRequired[int | None]


# --- helpers ----------------------------------------------------------------------------------


def _raise_if(errors: Mapping[str, Any]) -> None:
    if errors:
        raise ValidationError({field: msgs if isinstance(msgs, list) else [msgs] for field, msgs in errors.items()})


def _apply(instance: models.Model, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"cannot update {sorted(unknown)} of {type(instance).__name__}")
    for field, value in data.items():
        setattr(instance, field, value)


def _delete(instance: models.Model, *, owned: set[str]) -> None:
    """Delete unless another row refers to it (relations in `owned` go with it)."""
    for rel in instance._meta.related_objects:
        if rel.get_accessor_name() in owned:
            continue
        if rel.related_model._base_manager.filter(**{rel.field.name: instance}).exists():
            raise InUse()
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise InUse() from exc


def _required_text(value: str, field: str) -> dict[str, str]:
    return {} if value.strip() else {field: _("This field is required.")}


def phone_digits(phone: str) -> str:
    """Digits only (Persian/Arabic digits folded), so a caller is found however the number was typed."""
    return "".join(ch for ch in normalize_text(phone) if ch.isascii() and ch.isdigit())


# --- contacts ---------------------------------------------------------------------------------

CONTACT_FIELDS = ("email", "full_name", "phone", "organization", "language", "time_zone", "notes")


def contact_errors(contact: Contact) -> dict[str, str]:
    """What is wrong with an unsaved contact (the admin form shows the same messages)."""
    errors: dict[str, str] = {}
    try:
        validate_email(contact.email)
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    else:
        if Contact.objects.filter(email__iexact=contact.email).exclude(pk=contact.pk).exists():
            errors["email"] = _("A contact with this email address already exists.")
    if contact.language and contact.language not in dict(settings.LANGUAGES):
        errors["language"] = _("Unknown language.")
    if contact.time_zone and (message := rules.time_zone_error(contact.time_zone)):
        errors["time_zone"] = message
    return errors


def _contact_save(contact: Contact) -> Contact:
    contact.email = contact.email.strip().lower()
    contact.full_name = contact.full_name.strip()
    contact.phone = contact.phone.strip()
    contact.phone_digits = phone_digits(contact.phone)
    _raise_if(contact_errors(contact))
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as exc:  # a concurrent request took the address between check and insert
        raise ValidationError({"email": [_("A contact with this email address already exists.")]}) from exc
    return contact


def contact_create(
    *,
    email: str,
    full_name: str = "",
    phone: str = "",
    organization: Organization | None = None,
    language: str = "",
    notes: str = "",
    time_zone: str = "",
) -> Contact:
    """Create a contact; without an organization, the one claiming the email domain is used.

    The email is unique in any letter case (ValidationError on `email` otherwise).
    """
    email = email.strip().lower()
    if organization is None:
        organization = selectors.organization_for_email(email=email)
    contact = Contact(
        email=email,
        full_name=full_name,
        phone=phone,
        organization=organization,
        language=language,
        time_zone=time_zone,
        notes=notes,
    )
    return _contact_save(contact)


def contact_update(*, contact: Contact, data: Mapping[str, Any]) -> Contact:
    """Change the given fields of a contact (keys of CONTACT_FIELDS); phone digits follow the phone."""
    _apply(contact, data, CONTACT_FIELDS)
    return _contact_save(contact)


def contact_get_or_create(
    *, email: str, full_name: str = "", phone: str = "", organization_name: str = ""
) -> tuple[Contact, bool]:
    """The contact with this email (any letter case), created when unknown. Safe under races.

    A new contact joins `organization_name` (found by name in any letter case, else created), or
    else the organization claiming the email's domain.
    """
    email = email.strip().lower()
    existing = Contact.objects.select_related("organization").filter(email__iexact=email).first()
    if existing is not None:
        return existing, False
    organization = None
    if organization_name.strip():
        organization = Organization.objects.filter(name__iexact=organization_name.strip()).first()
        if organization is None:
            organization = organization_create(name=organization_name.strip())
    try:
        return contact_create(email=email, full_name=full_name, phone=phone, organization=organization), True
    except ValidationError:
        existing = Contact.objects.select_related("organization").filter(email__iexact=email).first()
        if existing is None:
            raise
        return existing, False


def contact_language_guess(*, contact: Contact, text: str) -> Contact:
    """Give a contact who has no language yet the one their writing shows (fa for Persian script,
    else en), so a customer first known from a Persian email is answered in Persian.

    A choice is never replaced: not the contact's language (set by an agent, or followed from their
    login), nor their login's. Conditional UPDATE: two mails at once cannot both set it.
    """
    if contact.language or (contact.user_id and contact.user.language):
        return contact
    language = detect_language(text)
    if Contact.objects.filter(pk=contact.pk, language="").update(language=language):
        contact.language = language
    return contact


def contact_delete(*, contact: Contact) -> None:
    """Delete a contact nobody refers to; one with tickets or contracts raises InUse."""
    _delete(contact, owned=set())


# --- organizations ----------------------------------------------------------------------------

ORGANIZATION_FIELDS = ("name", "share_tickets", "sla_policy", "notes")


def organization_errors(organization: Organization) -> dict[str, str]:
    """What is wrong with an organization's own fields (not its domains)."""
    errors = _required_text(organization.name, "name")
    if (
        not errors
        and Organization.objects.filter(name__iexact=organization.name.strip()).exclude(pk=organization.pk).exists()
    ):
        errors["name"] = _("An organization with this name already exists.")
    return errors


def _domain_errors(organization: Organization, domains: Sequence[DomainSpec]) -> tuple[dict[str, bool], list[str]]:
    wanted: dict[str, bool] = {}
    errors: list[str] = []
    for spec in domains:
        domain = rules.normalize_domain(spec["domain"])
        if message := rules.domain_error(domain):
            errors.append(message)
        elif domain in wanted:
            errors.append(_("“%(domain)s” is listed twice.") % {"domain": domain})
        wanted[domain] = bool(spec.get("allow_signup", False))
    claims = OrganizationDomain.objects.filter(domain__in=wanted).select_related("organization")
    errors.extend(_claimed(claim) for claim in claims.exclude(organization_id=organization.pk))
    return wanted, errors


def _claimed(claim: OrganizationDomain) -> str:
    return _("“%(domain)s” already belongs to %(organization)s.") % {
        "domain": claim.domain,
        "organization": claim.organization,
    }


def domain_claim_error(*, domain: str, organization: Organization) -> str | None:
    """A message when another organization already claims this (normalized) domain."""
    claim = (
        OrganizationDomain.objects.filter(domain=domain)
        .exclude(organization_id=organization.pk)
        .select_related("organization")
        .first()
    )
    return _claimed(claim) if claim is not None else None


def _organization_save(organization: Organization, domains: Sequence[DomainSpec] | None) -> Organization:
    organization.name = organization.name.strip()
    errors: dict[str, Any] = organization_errors(organization)
    wanted: dict[str, bool] = {}
    if domains is not None:
        wanted, domain_errors = _domain_errors(organization, domains)
        if domain_errors:
            errors["domains"] = domain_errors
    _raise_if(errors)
    try:
        with transaction.atomic():
            organization.save()
            if domains is not None:
                organization.domains.exclude(domain__in=wanted).delete()
                existing = {d.domain: d for d in organization.domains.all()}
                for domain, allow_signup in wanted.items():
                    claim = existing.get(domain)
                    if claim is None:
                        OrganizationDomain.objects.create(
                            organization=organization, domain=domain, allow_signup=allow_signup
                        )
                    elif claim.allow_signup != allow_signup:
                        claim.allow_signup = allow_signup
                        claim.save(update_fields=["allow_signup"])
    except IntegrityError as exc:  # a concurrent request claimed the name or a domain first
        raise ValidationError({"name": [_("The organization or one of its domains was taken meanwhile.")]}) from exc
    return organization


def organization_create(
    *,
    name: str,
    share_tickets: bool = False,
    sla_policy: SlaPolicy | None = None,
    notes: str = "",
    domains: Sequence[DomainSpec] = (),
) -> Organization:
    """Create an organization with the email domains it claims (each domain belongs to one organization)."""
    organization = Organization(name=name, share_tickets=share_tickets, sla_policy=sla_policy, notes=notes)
    return _organization_save(organization, domains)


def organization_update(*, organization: Organization, data: Mapping[str, Any]) -> Organization:
    """Change the given fields; `domains`, when given, replaces the claimed domains."""
    data = dict(data)
    domains = data.pop("domains", None)
    _apply(organization, data, ORGANIZATION_FIELDS)
    return _organization_save(organization, domains)


def organization_delete(*, organization: Organization) -> None:
    """Delete an organization without contacts, contracts or tickets; otherwise InUse."""
    _delete(organization, owned={"domains"})


# --- products ---------------------------------------------------------------------------------

PRODUCT_FIELDS = ("name", "code", "description", "policy_text", "is_active")


def product_errors(product: Product) -> dict[str, str]:
    """What is wrong with an unsaved product."""
    errors = _required_text(product.name, "name") | _required_text(product.code, "code")
    if "code" not in errors and Product.objects.filter(code=product.code).exclude(pk=product.pk).exists():
        errors["code"] = _("Another product already uses this code.")
    return errors


def _product_save(product: Product) -> Product:
    product.name = product.name.strip()
    product.code = product.code.strip().lower()
    _raise_if(product_errors(product))
    product.save()
    return product


def product_create(
    *, name: str, code: str, description: str = "", policy_text: str = "", is_active: bool = True
) -> Product:
    """Create a product or service; its code is unique."""
    return _product_save(
        Product(name=name, code=code, description=description, policy_text=policy_text, is_active=is_active)
    )


def product_update(*, product: Product, data: Mapping[str, Any]) -> Product:
    """Change the given fields of a product."""
    _apply(product, data, PRODUCT_FIELDS)
    return _product_save(product)


def product_delete(*, product: Product) -> None:
    """Delete a product no contract or ticket mentions; otherwise InUse (retire it with is_active)."""
    _delete(product, owned=set())


# --- contracts --------------------------------------------------------------------------------

CONTRACT_FIELDS = ("name", "organization", "contact", "sla_policy", "valid_from", "valid_to", "notes")


def contract_errors(contract: ServiceContract) -> dict[str, str]:
    """What is wrong with an unsaved contract: no customer, or dates out of order."""
    return _required_text(contract.name, "name") | rules.contract_errors(
        organization=contract.organization,
        contact=contract.contact,
        valid_from=contract.valid_from,
        valid_to=contract.valid_to,
    )


def _contract_save(contract: ServiceContract, products: Iterable[Product] | None) -> ServiceContract:
    contract.name = contract.name.strip()
    _raise_if(contract_errors(contract))
    with transaction.atomic():
        contract.save()
        if products is not None:
            contract.products.set(products)
    return contract


def contract_create(
    *,
    name: str,
    sla_policy: SlaPolicy,
    valid_from: date,
    organization: Organization | None = None,
    contact: Contact | None = None,
    valid_to: date | None = None,
    products: Iterable[Product] = (),
    notes: str = "",
) -> ServiceContract:
    """Create a contract for an organization or a contact (one is required); valid_to ≥ valid_from."""
    contract = ServiceContract(
        name=name,
        organization=organization,
        contact=contact,
        sla_policy=sla_policy,
        valid_from=valid_from,
        valid_to=valid_to,
        notes=notes,
    )
    return _contract_save(contract, list(products))


def contract_update(*, contract: ServiceContract, data: Mapping[str, Any]) -> ServiceContract:
    """Change the given fields; `products`, when given, replaces the covered products."""
    data = dict(data)
    products = data.pop("products", None)
    _apply(contract, data, CONTRACT_FIELDS)
    return _contract_save(contract, products)


def contract_delete(*, contract: ServiceContract) -> None:
    """Delete a contract (tickets that used it keep their SLA times and lose the link)."""
    with transaction.atomic():
        contract.delete()


# --- SLA policies -----------------------------------------------------------------------------

SLA_POLICY_FIELDS = (
    "name",
    "description",
    "calendar",
    "is_default",
    "warning_percent",
    "warning_minutes_before",
    "pause_on_hold",
    "is_active",
)
TARGET_FIELDS = ("first_response_minutes", "next_response_minutes", "resolution_minutes")


def _target_errors(targets: Sequence[TargetSpec]) -> list[str]:
    errors = []
    seen = set()
    for spec in targets:
        priority = spec["priority"]
        label = Priority(priority).label if priority in Priority.values else priority
        if priority not in Priority.values:
            errors.append(_("Unknown priority “%(priority)s”.") % {"priority": priority})
        elif priority in seen:
            errors.append(_("%(priority)s: listed twice.") % {"priority": label})
        seen.add(priority)
        for message in rules.target_errors({f: spec.get(f) for f in TARGET_FIELDS}).values():
            errors.append(_("%(priority)s: %(message)s") % {"priority": label, "message": message})
            break
    return errors


def _step_errors(steps: Sequence[StepSpec]) -> list[str]:
    errors = []
    for number, spec in enumerate(steps, start=1):
        if spec["action"] not in EscalationStep.Action.values:
            errors.append(_("Step %(number)s: unknown action.") % {"number": number})
            continue
        if (spec.get("minutes_after_breach") or 0) < 0:
            errors.append(_("Step %(number)s: minutes after breach cannot be negative.") % {"number": number})
        for message in rules.step_errors(action=spec["action"], team=spec.get("team"), user=spec.get("user")).values():
            errors.append(_("Step %(number)s: %(message)s") % {"number": number, "message": message})
    return errors


def _target_minutes(spec: Mapping[str, Any]) -> list[tuple[str, int]]:
    return [(field, spec[field]) for field in TARGET_FIELDS if spec.get(field) is not None]


def sla_target_limit_errors(*, calendar: BusinessCalendar, targets: Sequence[TargetSpec]) -> list[str]:
    """Targets the calendar cannot reach: more minutes than its working time in two years (so the SLA
    maths could not compute a due time). The admin's target formset shows the same lines."""
    wanted = [(spec["priority"], minutes) for spec in targets for _field, minutes in _target_minutes(spec)]
    if not wanted:
        return []
    limit = calendar_working_minutes(calendar=calendar)
    errors = []
    for priority, minutes in wanted:
        if minutes > limit:
            label = Priority(priority).label if priority in Priority.values else priority
            errors.append(
                _(
                    "%(priority)s: %(minutes)s minutes is more working time than calendar “%(calendar)s” has "
                    "in two years (%(limit)s minutes), so no due time could be computed."
                )
                % {"priority": label, "minutes": minutes, "calendar": calendar.name, "limit": limit}
            )
    return errors


def sla_policy_errors(policy: SlaPolicy) -> dict[str, str]:
    """What is wrong with a policy's own fields; only one policy is the default (say which one is)."""
    errors = _required_text(policy.name, "name")
    if not errors and SlaPolicy.objects.filter(name__iexact=policy.name.strip()).exclude(pk=policy.pk).exists():
        errors["name"] = _("A policy with this name already exists.")
    errors |= rules.warning_errors(warning_percent=policy.warning_percent)
    if policy.is_default:
        current = SlaPolicy.objects.filter(is_default=True).exclude(pk=policy.pk).first()
        if current is not None:
            errors["is_default"] = _("%(name)s is already the default policy; clear its default flag first.") % {
                "name": current.name
            }
    return errors


def _sla_policy_save(
    policy: SlaPolicy, targets: Sequence[TargetSpec] | None, steps: Sequence[StepSpec] | None
) -> SlaPolicy:
    policy.name = policy.name.strip()
    errors: dict[str, Any] = sla_policy_errors(policy)
    if targets is not None and (target_errors := _target_errors(targets)):
        errors["targets"] = target_errors
    if steps is not None and (step_errors := _step_errors(steps)):
        errors["escalation_steps"] = step_errors
    if "targets" not in errors and "calendar" not in errors and policy.calendar_id is not None:
        current = targets if targets is not None else list(policy.targets.values("priority", *TARGET_FIELDS))
        if limit_errors := sla_target_limit_errors(calendar=policy.calendar, targets=current):
            errors["targets" if targets is not None else "calendar"] = limit_errors
    _raise_if(errors)
    with transaction.atomic():
        policy.save()
        if targets is not None:
            policy.targets.all().delete()
            SlaTarget.objects.bulk_create(
                SlaTarget(policy=policy, priority=spec["priority"], **{f: spec.get(f) for f in TARGET_FIELDS})
                for spec in targets
            )
        if steps is not None:
            policy.escalation_steps.all().delete()
            EscalationStep.objects.bulk_create(
                EscalationStep(
                    policy=policy,
                    action=spec["action"],
                    minutes_after_breach=spec.get("minutes_after_breach") or 0,
                    team=spec.get("team"),
                    user=spec.get("user"),
                )
                for spec in steps
            )
    return policy


def sla_policy_create(
    *,
    name: str,
    calendar: BusinessCalendar,
    description: str = "",
    is_default: bool = False,
    warning_percent: int | None = 75,
    warning_minutes_before: int | None = None,
    pause_on_hold: bool = False,
    is_active: bool = True,
    targets: Sequence[TargetSpec] = (),
    escalation_steps: Sequence[StepSpec] = (),
) -> SlaPolicy:
    """Create a policy with one target row per priority (targets > 0 minutes) and escalation steps."""
    policy = SlaPolicy(
        name=name,
        calendar=calendar,
        description=description,
        is_default=is_default,
        warning_percent=warning_percent,
        warning_minutes_before=warning_minutes_before,
        pause_on_hold=pause_on_hold,
        is_active=is_active,
    )
    return _sla_policy_save(policy, targets, escalation_steps)


def sla_policy_update(*, policy: SlaPolicy, data: Mapping[str, Any]) -> SlaPolicy:
    """Change the given fields; `targets` / `escalation_steps`, when given, replace the current ones.

    Tickets keep the due times already computed; new clocks use the new targets.
    """
    data = dict(data)
    targets = data.pop("targets", None)
    steps = data.pop("escalation_steps", None)
    _apply(policy, data, SLA_POLICY_FIELDS)
    return _sla_policy_save(policy, targets, steps)


def sla_policy_delete(*, policy: SlaPolicy) -> None:
    """Delete a policy no contract, organization or ticket uses; otherwise InUse."""
    _delete(policy, owned={"targets", "escalation_steps"})


# --- business calendars -----------------------------------------------------------------------

CALENDAR_FIELDS = ("name", "time_zone", "always_open")


def _holiday_errors(holidays: Sequence[HolidaySpec]) -> list[str]:
    errors = []
    for spec in holidays:
        name = spec["name"].strip()
        if not name:
            errors.append(_("Every holiday needs a name."))
        found = rules.holiday_errors(
            recurrence=spec.get("recurrence", Holiday.Recurrence.ONCE),
            day_date=spec.get("date"),
            month=spec.get("month"),
            day=spec.get("day"),
        )
        errors.extend(_("%(name)s: %(message)s") % {"name": name, "message": m} for m in found.values())
    return errors


def calendar_errors(calendar: BusinessCalendar) -> dict[str, str]:
    """What is wrong with a calendar's own fields (not its periods and holidays)."""
    errors = _required_text(calendar.name, "name")
    if (
        not errors
        and BusinessCalendar.objects.filter(name__iexact=calendar.name.strip()).exclude(pk=calendar.pk).exists()
    ):
        errors["name"] = _("A calendar with this name already exists.")
    if message := rules.time_zone_error(calendar.time_zone):
        errors["time_zone"] = message
    return errors


PeriodRow = tuple[int, time, time]
HolidayRow = tuple[str, date | None, int | None, int | None]


def _period_rows(periods: Sequence[PeriodSpec]) -> list[PeriodRow]:
    return [(p["weekday"], p["start"], p["end"]) for p in periods]


def _holiday_rows(holidays: Sequence[HolidaySpec]) -> list[HolidayRow]:
    rows = []
    for spec in holidays:
        recurrence = spec.get("recurrence", Holiday.Recurrence.ONCE)
        rows.append((recurrence, spec.get("date"), spec.get("month"), spec.get("day")))
    return rows


def _saved_schedule(calendar: BusinessCalendar) -> tuple[list[PeriodRow], list[HolidayRow]]:
    if calendar.pk is None:
        return [], []
    periods = list(WorkingPeriod.objects.filter(calendar=calendar).values_list("weekday", "start", "end"))
    holidays = list(Holiday.objects.filter(calendar=calendar).values_list("recurrence", "date", "month", "day"))
    return periods, holidays


def calendar_working_minutes(*, calendar: BusinessCalendar) -> int:
    """Minutes of working time a saved calendar has in the next two years (the most a target may ask)."""
    periods, holidays = _saved_schedule(calendar)
    return rules.working_minutes(
        always_open=calendar.always_open, periods=periods, holidays=holidays, first_day=timezone.localdate()
    )


def calendar_schedule_errors(
    *, calendar: BusinessCalendar, periods: Sequence[PeriodRow], holidays: Sequence[HolidayRow]
) -> dict[str, list[str]]:
    """Whether the SLA maths can answer this calendar: it has working hours (or is open 24/7), its
    holidays leave some, and every target of the policies using it fits in two years of them.

    Keyed "periods" or "holidays"; the API, the admin's period formset and every other writer use it.
    """
    if not calendar.always_open and not periods:
        return {
            "periods": [_("A calendar needs working hours: add at least one working period, or mark it open 24/7.")]
        }
    limit = rules.working_minutes(
        always_open=calendar.always_open, periods=periods, holidays=holidays, first_day=timezone.localdate()
    )
    if limit == 0:
        return {
            "holidays": [
                _("The holidays cover every working period of the next two years, so SLA clocks would never run.")
            ]
        }
    errors = []
    if calendar.pk is not None:
        targets = SlaTarget.objects.filter(policy__calendar=calendar).select_related("policy")
        for target in targets.order_by("policy__name", "priority"):
            minutes = max(getattr(target, field) or 0 for field in TARGET_FIELDS)
            if minutes > limit:
                errors.append(
                    _(
                        "Policy “%(policy)s” has a target of %(minutes)s minutes, more than this calendar's "
                        "working time in two years (%(limit)s minutes)."
                    )
                    % {"policy": target.policy.name, "minutes": minutes, "limit": limit}
                )
    return {"periods": errors} if errors else {}


def _calendar_save(
    calendar: BusinessCalendar, periods: Sequence[PeriodSpec] | None, holidays: Sequence[HolidaySpec] | None
) -> BusinessCalendar:
    calendar.name = calendar.name.strip()
    errors: dict[str, Any] = calendar_errors(calendar)
    if periods is not None and (period_errors := rules.period_errors(_period_rows(periods))):
        errors["periods"] = period_errors
    if holidays is not None and (holiday_errors := _holiday_errors(holidays)):
        errors["holidays"] = holiday_errors
    if "periods" not in errors and "holidays" not in errors:
        saved_periods, saved_holidays = _saved_schedule(calendar) if None in (periods, holidays) else ([], [])
        errors |= calendar_schedule_errors(
            calendar=calendar,
            periods=saved_periods if periods is None else _period_rows(periods),
            holidays=saved_holidays if holidays is None else _holiday_rows(holidays),
        )
    _raise_if(errors)
    with transaction.atomic():
        calendar.save()
        if periods is not None:
            calendar.periods.all().delete()
            WorkingPeriod.objects.bulk_create(
                WorkingPeriod(calendar=calendar, weekday=p["weekday"], start=p["start"], end=p["end"]) for p in periods
            )
        if holidays is not None:
            calendar.holidays.all().delete()
            Holiday.objects.bulk_create(_holiday(calendar, spec) for spec in holidays)
    return calendar


def _holiday(calendar: BusinessCalendar, spec: HolidaySpec) -> Holiday:
    recurrence = spec.get("recurrence", Holiday.Recurrence.ONCE)
    once = recurrence == Holiday.Recurrence.ONCE
    return Holiday(
        calendar=calendar,
        name=spec["name"].strip(),
        recurrence=recurrence,
        date=spec.get("date") if once else None,
        month=None if once else spec.get("month"),
        day=None if once else spec.get("day"),
    )


def calendar_create(
    *,
    name: str,
    time_zone: str = "UTC",
    always_open: bool = False,
    periods: Sequence[PeriodSpec] = (),
    holidays: Sequence[HolidaySpec] = (),
) -> BusinessCalendar:
    """Create a calendar; periods of a weekday must not overlap, holidays must name a real day."""
    calendar = BusinessCalendar(name=name, time_zone=time_zone, always_open=always_open)
    return _calendar_save(calendar, periods, holidays)


def calendar_update(*, calendar: BusinessCalendar, data: Mapping[str, Any]) -> BusinessCalendar:
    """Change the given fields; `periods` / `holidays`, when given, replace the current ones."""
    data = dict(data)
    periods = data.pop("periods", None)
    holidays = data.pop("holidays", None)
    _apply(calendar, data, CALENDAR_FIELDS)
    return _calendar_save(calendar, periods, holidays)


def calendar_delete(*, calendar: BusinessCalendar) -> None:
    """Delete a calendar no policy uses; otherwise InUse."""
    _delete(calendar, owned={"periods", "holidays"})
