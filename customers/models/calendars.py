"""Business calendars: working periods, holidays, and which calendar a team works by."""

from datetime import time

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helpdesk.dates import local_number
from helpdesk.names import NamedInLanguages


class BusinessCalendar(NamedInLanguages, models.Model):
    """When the clock of a service level runs: a time zone, weekly hours and holidays, or 24/7."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_fa = models.CharField(_("name in Persian"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    always_open = models.BooleanField(_("open 24/7"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.display_name


class WorkingPeriod(models.Model):
    """One interval of working time on a weekday (several a day are allowed).

    An end of 00:00 is midnight at the end of the day: 22:00–00:00 runs to midnight, 00:00–00:00 is the
    whole day. A shift past midnight is two periods, the second starting at 00:00 the next day.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")) | Q(end=time(0)), name="period_end_after_start_or_midnight"
            )
        ]

    def __str__(self) -> str:
        end = "24:00" if self.end == time(0) else f"{self.end:%H:%M}"
        hours = local_number(f"{self.start:%H:%M}–{end}")  # in Persian digits on a Persian page
        return f"{self.get_weekday_display()} {hours}"


HOLIDAY_MAX_DAYS = 366


class Holiday(NamedInLanguages, models.Model):
    """Days off: a run of `days` consecutive days from one date, or every year from a Gregorian or a
    Jalali month and day (counted in real days, across month and year ends: 29 Esfand for 3 days is
    29 and 30 Esfand and 1 Farvardin in a leap year, 29 Esfand and 1 and 2 Farvardin otherwise)."""

    class Recurrence(models.TextChoices):
        ONCE = "once", _("Once, on a date")
        GREGORIAN = "gregorian", _("Every year (Gregorian calendar)")
        JALALI = "jalali", _("Every year (Jalali calendar)")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(_("name"), max_length=100)
    name_fa = models.CharField(_("name in Persian"), max_length=100, blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=16, choices=Recurrence.choices, default=Recurrence.ONCE)
    date = models.DateField(_("date"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(
        _("days"), default=1, help_text=_("How many consecutive days off, from the date or day given (1 to 366).")
    )

    class Meta:
        ordering = ["calendar", "recurrence", "date", "month", "day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(recurrence="once", date__isnull=False)
                    | (~Q(recurrence="once") & Q(month__isnull=False, day__isnull=False))
                ),
                name="holiday_has_date_or_month_day",
            ),
            models.CheckConstraint(condition=Q(days__gte=1, days__lte=HOLIDAY_MAX_DAYS), name="holiday_days_1_to_366"),
        ]

    def __str__(self) -> str:
        return self.display_name


class TeamCalendar(models.Model):
    """The working hours a team keeps: referrals to the team are due in its business time."""

    team = models.OneToOneField(
        "helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="calendar_link"
    )
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("business calendar"), on_delete=models.PROTECT, related_name="teams"
    )

    class Meta:
        verbose_name = _("team calendar")
        verbose_name_plural = _("team calendars")

    def __str__(self) -> str:
        return f"{self.team} — {self.calendar}"
