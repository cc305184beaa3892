"""Business calendars: weekly working periods and holidays, refused when they leave no working time."""

from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import rules
from customers.models import (
    BusinessCalendar,
    Holiday,
    SlaTarget,
    TeamCalendar,
    WorkingPeriod,
)
from customers.services.common import TARGET_FIELDS, HolidaySpec, PeriodSpec, _apply, _delete, _raise_if, _required_text
from customers.signals import sla_terms_changed
from helpdesk import dates
from helpdesk.audit.services import history_record_rows
from helpdesk.models import Team, User

CALENDAR_FIELDS = ("name", "name_fa", "time_zone", "always_open")


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
            days=spec.get("days", 1),
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
HolidayRow = rules.HolidayRow


def _period_rows(periods: Sequence[PeriodSpec]) -> list[PeriodRow]:
    return [(p["weekday"], p["start"], p["end"]) for p in periods]


def _holiday_rows(holidays: Sequence[HolidaySpec]) -> list[HolidayRow]:
    rows = []
    for spec in holidays:
        recurrence = spec.get("recurrence", Holiday.Recurrence.ONCE)
        rows.append((recurrence, spec.get("date"), spec.get("month"), spec.get("day"), spec.get("days", 1)))
    return rows


def _saved_schedule(calendar: BusinessCalendar) -> tuple[list[PeriodRow], list[HolidayRow]]:
    if calendar.pk is None:
        return [], []
    periods = list(WorkingPeriod.objects.filter(calendar=calendar).values_list("weekday", "start", "end"))
    holidays = list(Holiday.objects.filter(calendar=calendar).values_list("recurrence", "date", "month", "day", "days"))
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
                    dates.fill(
                        _(
                            "Policy “%(policy)s” has a target of %(minutes)s minutes, more than this calendar's "
                            "working time in two years (%(limit)s minutes)."
                        ),
                        {"policy": target.policy.name, "minutes": minutes, "limit": limit},
                    )
                )
    return {"periods": errors} if errors else {}


def _calendar_save(
    calendar: BusinessCalendar, periods: Sequence[PeriodSpec] | None, holidays: Sequence[HolidaySpec] | None
) -> BusinessCalendar:
    calendar.name, calendar.name_fa = calendar.name.strip(), calendar.name_fa.strip()
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
    existed = calendar.pk is not None
    with transaction.atomic():
        calendar.save()
        if existed:  # the open tickets counting its time get new due times
            sla_terms_changed.send(sender=BusinessCalendar, calendar_ids=[calendar.pk])
        if periods is not None:
            calendar.periods.all().delete()
            made = WorkingPeriod.objects.bulk_create(
                WorkingPeriod(calendar=calendar, weekday=p["weekday"], start=p["start"], end=p["end"]) for p in periods
            )
            history_record_rows(model=WorkingPeriod, pks=[p.pk for p in made], created=True)
        if holidays is not None:
            calendar.holidays.all().delete()
            made_days = Holiday.objects.bulk_create(_holiday(calendar, spec) for spec in holidays)
            history_record_rows(model=Holiday, pks=[h.pk for h in made_days], created=True)
    return calendar


def _holiday(calendar: BusinessCalendar, spec: HolidaySpec) -> Holiday:
    recurrence = spec.get("recurrence", Holiday.Recurrence.ONCE)
    once = recurrence == Holiday.Recurrence.ONCE
    return Holiday(
        calendar=calendar,
        name=spec["name"].strip(),
        name_fa=spec.get("name_fa", "").strip(),
        recurrence=recurrence,
        date=spec.get("date") if once else None,
        month=None if once else spec.get("month"),
        day=None if once else spec.get("day"),
        days=spec.get("days", 1),
    )


def calendar_create(
    *,
    name: str,
    name_fa: str = "",
    time_zone: str = "UTC",
    always_open: bool = False,
    periods: Sequence[PeriodSpec] = (),
    holidays: Sequence[HolidaySpec] = (),
) -> BusinessCalendar:
    """Create a calendar; periods of a weekday must not overlap, holidays must name a real day."""
    calendar = BusinessCalendar(name=name, name_fa=name_fa, time_zone=time_zone, always_open=always_open)
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


def team_calendar_set(*, actor: User, team: Team, calendar: BusinessCalendar | None) -> TeamCalendar | None:
    """Administrators choose the working hours a team keeps (`calendar=None`: none of its own, so its
    referrals count in the default policy's calendar). A change is new terms for the open referrals to
    the team: sla_terms_changed, so they get new due times once it commits; the same calendar sends
    nothing. Returns the team's link, None when it has none."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators may do this."))
    with transaction.atomic():
        Team.objects.select_for_update().values_list("pk", flat=True).get(pk=team.pk)  # one change at a time
        link = TeamCalendar.objects.filter(team=team).first()
        if calendar is None:
            if link is None:
                return None
            link.delete()
            link = None
        elif link is None:
            link = TeamCalendar.objects.create(team=team, calendar=calendar)
        elif link.calendar_id == calendar.pk:
            return link
        else:
            link.calendar = calendar
            link.save(update_fields=["calendar"])
        sla_terms_changed.send(sender=TeamCalendar, team_ids=[team.pk])
    return link
