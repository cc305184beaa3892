from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers import rules, services
from customers.models import BusinessCalendar, Contact, OrganizationDomain, SlaTarget, WorkingPeriod
from tests import factories
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


# --- contacts ---------------------------------------------------------------------------------


def test_contact_create_keeps_phone_digits_and_lowercases_the_email():
    contact = services.contact_create(email="Sara@Example.ORG ", full_name=" سارا ", phone="۰۹۱۲ ۱۲۳ ۴۵۶۷")
    assert contact.email == "sara@example.org"
    assert contact.full_name == "سارا"
    assert contact.phone_digits == "09121234567"


def test_contact_create_joins_the_organization_claiming_the_domain():
    org = services.organization_create(name="Acme", domains=[{"domain": "acme.test"}])
    assert services.contact_create(email="new@ACME.test").organization == org


def test_contact_email_is_unique_in_any_letter_case():
    services.contact_create(email="carla@acme.test")
    with pytest.raises(ValidationError) as exc:
        services.contact_create(email="CARLA@Acme.Test")
    assert "email" in errors_of(exc)


def test_contact_update_refuses_another_contacts_email_and_syncs_phone_digits():
    services.contact_create(email="a@x.test")
    contact = services.contact_create(email="b@x.test", phone="1")
    with pytest.raises(ValidationError) as exc:
        services.contact_update(contact=contact, data={"email": "A@X.TEST"})
    assert "email" in errors_of(exc)
    contact.refresh_from_db()
    services.contact_update(contact=contact, data={"phone": "+98 (21) 8877-6655"})
    assert Contact.objects.get(pk=contact.pk).phone_digits == "982188776655"


def test_contact_update_rejects_unknown_language_and_time_zone():
    contact = services.contact_create(email="c@x.test")
    with pytest.raises(ValidationError) as exc:
        services.contact_update(contact=contact, data={"language": "xx", "time_zone": "Mars/Base"})
    assert set(errors_of(exc)) == {"language", "time_zone"}


def test_contact_get_or_create_finds_an_existing_contact_in_any_case():
    first = services.contact_create(email="z@x.test")
    found, created = services.contact_get_or_create(email="Z@X.test")
    assert (found, created) == (first, False)


def test_contact_with_tickets_cannot_be_deleted(customer):
    contact = customer.contact
    Ticket.objects.create(subject="Help", requester=contact, organization=contact.organization)
    with pytest.raises(services.InUse) as exc:
        services.contact_delete(contact=contact)
    assert exc.value.code == "in_use"
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_unused_contact_can_be_deleted():
    contact = services.contact_create(email="gone@x.test")
    services.contact_delete(contact=contact)
    assert not Contact.objects.filter(pk=contact.pk).exists()


# --- organizations ----------------------------------------------------------------------------


def test_organization_domains_are_normalized_and_replaced():
    org = services.organization_create(name="Acme", domains=[{"domain": "@ACME.test"}, {"domain": "old.test"}])
    assert sorted(org.domains.values_list("domain", flat=True)) == ["acme.test", "old.test"]
    services.organization_update(
        organization=org, data={"domains": [{"domain": "acme.test", "allow_signup": True}, {"domain": "new.test"}]}
    )
    assert dict(org.domains.values_list("domain", "allow_signup")) == {"acme.test": True, "new.test": False}


def test_a_domain_claimed_by_another_organization_is_a_clear_error():
    services.organization_create(name="Acme", domains=[{"domain": "acme.test"}])
    with pytest.raises(ValidationError) as exc:
        services.organization_create(name="Globex", domains=[{"domain": "ACME.test"}])
    assert errors_of(exc)["domains"] == ["“acme.test” already belongs to Acme."]
    assert OrganizationDomain.objects.count() == 1


def test_organization_name_is_unique_in_any_case_and_domains_must_be_valid():
    services.organization_create(name="Acme")
    with pytest.raises(ValidationError) as exc:
        services.organization_create(name="ACME", domains=[{"domain": "not a domain"}])
    assert set(errors_of(exc)) == {"name", "domains"}


def test_organization_with_contacts_cannot_be_deleted(customer):
    with pytest.raises(services.InUse):
        services.organization_delete(organization=customer.contact.organization)


def test_empty_organization_is_deleted_with_its_domains():
    org = services.organization_create(name="Empty", domains=[{"domain": "empty.test"}])
    services.organization_delete(organization=org)
    assert not OrganizationDomain.objects.exists()


# --- products and contracts -------------------------------------------------------------------


def test_product_code_is_unique():
    services.product_create(name="Cloud", code="cloud")
    with pytest.raises(ValidationError) as exc:
        services.product_create(name="Cloud 2", code="Cloud")
    assert "code" in errors_of(exc)


def test_contract_needs_a_customer_and_ordered_dates(standard_policy):
    with pytest.raises(ValidationError) as exc:
        services.contract_create(
            name="X", sla_policy=standard_policy, valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 30)
        )
    assert set(errors_of(exc)) == {"organization", "valid_to"}


def test_contract_update_replaces_products(world):
    services.contract_update(contract=world.acme_contract, data={"products": [world.mail, world.erp]})
    assert set(world.acme_contract.products.all()) == {world.mail, world.erp}


def test_product_used_by_a_contract_cannot_be_deleted(world):
    with pytest.raises(services.InUse):
        services.product_delete(product=world.cloud)


# --- SLA policies -----------------------------------------------------------------------------


def test_targets_must_be_positive(calendar):
    with pytest.raises(ValidationError) as exc:
        services.sla_policy_create(
            name="Bad", calendar=calendar, targets=[{"priority": "high", "first_response_minutes": 0}]
        )
    assert errors_of(exc)["targets"] == ["High: A target must be at least one minute; leave it empty for no target."]


def test_a_priority_has_one_target_row(calendar):
    with pytest.raises(ValidationError) as exc:
        services.sla_policy_create(
            name="Twice",
            calendar=calendar,
            targets=[{"priority": "high", "resolution_minutes": 60}, {"priority": "high", "resolution_minutes": 90}],
        )
    assert "targets" in errors_of(exc)


def test_policy_update_replaces_targets_and_steps(standard_policy, agent):
    services.sla_policy_update(
        policy=standard_policy,
        data={
            "targets": [{"priority": "low", "resolution_minutes": 999}],
            "escalation_steps": [{"action": "notify_user", "user": agent, "minutes_after_breach": 15}],
        },
    )
    assert list(SlaTarget.objects.filter(policy=standard_policy).values_list("priority", flat=True)) == ["low"]
    step = standard_policy.escalation_steps.get()
    assert (step.action, step.user, step.minutes_after_breach) == ("notify_user", agent, 15)


def test_escalation_steps_need_what_their_action_names(calendar):
    with pytest.raises(ValidationError) as exc:
        services.sla_policy_create(
            name="Steps",
            calendar=calendar,
            escalation_steps=[{"action": "reassign_team"}, {"action": "notify_user"}],
        )
    assert len(errors_of(exc)["escalation_steps"]) == 2


def test_only_one_policy_is_the_default(standard_policy, calendar):
    with pytest.raises(ValidationError) as exc:
        services.sla_policy_create(name="Other", calendar=calendar, is_default=True)
    assert "Standard is already the default policy" in errors_of(exc)["is_default"][0]


def test_policy_used_by_a_contract_cannot_be_deleted_and_its_calendar_neither(world):
    with pytest.raises(services.InUse):
        services.sla_policy_delete(policy=world.standard)
    with pytest.raises(services.InUse):
        services.calendar_delete(calendar=world.standard.calendar)


# --- business calendars -----------------------------------------------------------------------


OFFICE_HOURS = [{"weekday": day, "start": time(9), "end": time(17)} for day in range(5)]


def test_overlapping_periods_on_one_weekday_are_refused():
    with pytest.raises(ValidationError) as exc:
        services.calendar_create(
            name="Overlap",
            periods=[
                {"weekday": 0, "start": time(9), "end": time(12)},
                {"weekday": 0, "start": time(11), "end": time(13)},
                {"weekday": 1, "start": time(11), "end": time(13)},
            ],
        )
    assert errors_of(exc)["periods"] == ["Monday: 09:00–12:00 overlaps 11:00–13:00."]


def test_touching_periods_are_fine_and_end_must_follow_start():
    calendar = services.calendar_create(
        name="Split day",
        periods=[
            {"weekday": 0, "start": time(9), "end": time(12)},
            {"weekday": 0, "start": time(12), "end": time(17)},
        ],
    )
    assert calendar.periods.count() == 2
    with pytest.raises(ValidationError) as exc:
        services.calendar_update(
            calendar=calendar, data={"periods": [{"weekday": 2, "start": time(9), "end": time(9)}]}
        )
    assert "end must be after the start" in errors_of(exc)["periods"][0]
    assert calendar.periods.count() == 2


@pytest.mark.parametrize(
    ("holiday", "ok"),
    [
        ({"name": "Nowruz", "recurrence": "jalali", "month": 1, "day": 1}, True),
        ({"name": "End of Shahrivar", "recurrence": "jalali", "month": 6, "day": 31}, True),
        ({"name": "Mehr 31", "recurrence": "jalali", "month": 7, "day": 31}, False),
        ({"name": "Esfand 30", "recurrence": "jalali", "month": 12, "day": 30}, True),
        ({"name": "Month 13", "recurrence": "jalali", "month": 13, "day": 1}, False),
        ({"name": "Day 0", "recurrence": "jalali", "month": 1, "day": 0}, False),
        ({"name": "Leap day", "recurrence": "gregorian", "month": 2, "day": 29}, True),
        ({"name": "Feb 30", "recurrence": "gregorian", "month": 2, "day": 30}, False),
        ({"name": "Once", "recurrence": "once", "date": date(2026, 5, 1)}, True),
        ({"name": "Once without date", "recurrence": "once"}, False),
        ({"name": "Yearly without day", "recurrence": "gregorian", "month": 1}, False),
    ],
)
def test_holidays_must_name_a_real_day(holiday, ok):
    if ok:
        calendar = services.calendar_create(name="Cal", periods=OFFICE_HOURS, holidays=[holiday])
        assert calendar.holidays.count() == 1
    else:
        with pytest.raises(ValidationError) as exc:
            services.calendar_create(name="Cal", periods=OFFICE_HOURS, holidays=[holiday])
        assert errors_of(exc)["holidays"][0].startswith(holiday["name"])


def test_unknown_time_zone_is_refused():
    with pytest.raises(ValidationError) as exc:
        services.calendar_create(name="Moon", time_zone="Moon/Base")
    assert "time_zone" in errors_of(exc)


def test_period_rule_reports_each_overlap_once():
    periods = [(0, time(8), time(10)), (0, time(9), time(11)), (0, time(10, 30), time(12))]
    assert len(rules.period_errors(periods)) == 2


def test_factories_contact_without_phone_digits_is_still_listed():
    # The suite-wide factory writes rows directly; the services must cope with those too.
    contact = factories.ContactFactory(phone="")
    services.contact_update(contact=contact, data={"phone": "0912"})
    assert Contact.objects.get(pk=contact.pk).phone_digits == "0912"


# --- working time: a calendar the SLA maths can always answer ---------------------------------


def test_a_calendar_without_working_hours_is_refused():
    with pytest.raises(ValidationError) as exc:
        services.calendar_create(name="Empty week", time_zone="Asia/Tehran")
    assert errors_of(exc)["periods"] == [
        "A calendar needs working hours: add at least one working period, or mark it open 24/7."
    ]
    assert not BusinessCalendar.objects.exists()


def test_an_always_open_calendar_needs_no_working_periods():
    assert services.calendar_create(name="24/7", always_open=True).periods.count() == 0


def test_emptying_a_calendar_in_use_is_refused_and_changes_nothing(standard_policy):
    calendar = standard_policy.calendar
    with pytest.raises(ValidationError) as exc:
        services.calendar_update(calendar=calendar, data={"periods": []})
    assert "needs working hours" in errors_of(exc)["periods"][0]
    with pytest.raises(ValidationError):
        services.calendar_update(
            calendar=BusinessCalendar.objects.get(pk=calendar.pk), data={"always_open": False, "periods": []}
        )
    assert calendar.periods.count() == 5


def test_turning_off_24_7_on_a_calendar_without_periods_is_refused():
    calendar = services.calendar_create(name="24/7", always_open=True)
    with pytest.raises(ValidationError) as exc:
        services.calendar_update(calendar=calendar, data={"always_open": False})
    assert "needs working hours" in errors_of(exc)["periods"][0]
    assert BusinessCalendar.objects.get(pk=calendar.pk).always_open


def test_a_calendar_whose_holidays_cover_every_working_period_is_refused():
    today = timezone.localdate()
    mondays = [today + timedelta(days=(7 - today.weekday()) % 7 + 7 * week) for week in range(160)]
    with pytest.raises(ValidationError) as exc:
        services.calendar_create(
            name="Mondays off",
            periods=[{"weekday": 0, "start": time(9), "end": time(17)}],
            holidays=[{"name": f"Off {day}", "date": day} for day in mondays],
        )
    assert errors_of(exc)["holidays"] == [
        "The holidays cover every working period of the next two years, so SLA clocks would never run."
    ]


# --- periods until midnight -------------------------------------------------------------------


def test_a_period_may_end_at_midnight_and_an_overnight_shift_is_split_there():
    calendar = services.calendar_create(
        name="Night desk",
        time_zone="Asia/Tehran",
        periods=[
            {"weekday": 0, "start": time(22), "end": time(0)},
            {"weekday": 1, "start": time(0), "end": time(6)},
            {"weekday": 5, "start": time(0), "end": time(0)},  # the whole Saturday
        ],
    )
    assert [str(period) for period in calendar.periods.all()] == [
        "Monday 22:00–24:00",
        "Tuesday 00:00–06:00",
        "Saturday 00:00–24:00",
    ]


def test_a_period_until_midnight_still_cannot_overlap_another():
    with pytest.raises(ValidationError) as exc:
        services.calendar_create(
            name="Late",
            periods=[
                {"weekday": 4, "start": time(20), "end": time(0)},
                {"weekday": 4, "start": time(23), "end": time(23, 30)},
            ],
        )
    assert errors_of(exc)["periods"] == ["Friday: 20:00–24:00 overlaps 23:00–23:30."]


def test_the_database_accepts_an_end_at_midnight_but_not_an_inverted_period(calendar):
    WorkingPeriod.objects.create(calendar=calendar, weekday=3, start=time(22), end=time(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingPeriod.objects.create(calendar=calendar, weekday=4, start=time(22), end=time(6))


# --- targets the maths can answer -------------------------------------------------------------


def test_a_target_longer_than_two_years_of_the_calendars_working_time_is_refused(calendar):
    # 8 hours on 5 days a week: about 250,000 business minutes in two years
    with pytest.raises(ValidationError) as exc:
        services.sla_policy_create(
            name="Forever", calendar=calendar, targets=[{"priority": "low", "resolution_minutes": 2_000_000_000}]
        )
    [message] = errors_of(exc)["targets"]
    assert message.startswith("Low: 2000000000 minutes is more working time than calendar “Tehran office” has")
    policy = services.sla_policy_create(
        name="Slow", calendar=calendar, targets=[{"priority": "low", "resolution_minutes": 200_000}]
    )
    assert policy.targets.get().resolution_minutes == 200_000


def test_moving_a_policy_to_a_calendar_too_small_for_its_targets_is_refused(calendar):
    policy = services.sla_policy_create(
        name="Slow", calendar=calendar, targets=[{"priority": "low", "resolution_minutes": 200_000}]
    )
    weekly_hour = services.calendar_create(
        name="One hour a week", periods=[{"weekday": 0, "start": time(9), "end": time(10)}]
    )
    with pytest.raises(ValidationError) as exc:
        services.sla_policy_update(policy=policy, data={"calendar": weekly_hour})
    assert "calendar" in errors_of(exc)


def test_shrinking_a_calendar_below_a_policy_target_is_refused(calendar):
    services.sla_policy_create(
        name="Slow", calendar=calendar, targets=[{"priority": "low", "resolution_minutes": 200_000}]
    )
    with pytest.raises(ValidationError) as exc:
        services.calendar_update(
            calendar=calendar, data={"periods": [{"weekday": 0, "start": time(9), "end": time(10)}]}
        )
    [message] = errors_of(exc)["periods"]
    assert message.startswith("Policy “Slow” has a target of 200000 minutes")
    assert calendar.periods.count() == 5


# --- one-off holidays are Gregorian -----------------------------------------------------------


def test_a_one_off_holiday_in_a_jalali_year_is_refused_with_its_gregorian_date():
    with pytest.raises(ValidationError) as exc:
        services.calendar_create(
            name="Cal", periods=OFFICE_HOURS, holidays=[{"name": "Esfand 30", "date": date(1403, 12, 30)}]
        )
    [message] = errors_of(exc)["holidays"]
    assert "looks like a Jalali date" in message
    assert "2025-03-20" in message
    with pytest.raises(ValidationError) as exc:
        services.calendar_create(
            name="Cal", periods=OFFICE_HOURS, holidays=[{"name": "Hastings", "date": date(1066, 10, 14)}]
        )
    assert errors_of(exc)["holidays"] == [
        "Hastings: “1066-10-14” is not a plausible date: dates are Gregorian, from 1900 to 2199."
    ]
