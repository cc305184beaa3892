"""Routing rules on new tickets: each condition, ordering and stop, what agents chose, run-time failures."""

from datetime import date, timedelta

import pytest

from customers import services as customer_services
from helpdesk.dates import persian_digits
from helpdesk.models import NotificationLog, Priority
from tests import factories
from tests.factories import make_ticket
from tests.tickets.conftest import make_mail
from tickets.email.ingest import email_ingest
from tickets.models import Channel, EventKind, Mailbox, RoutingRule, Status, TicketEvent, TicketType

pytestmark = pytest.mark.django_db


def _events(ticket, field):
    return list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.FIELD_CHANGED, field=field))


def test_a_matching_rule_sets_the_fields_as_the_system_with_events(rule, requester, team, billing):
    billing_rule = rule(
        name="Invoices",
        conditions=[{"field": "subject_keywords", "values": ["invoice"]}],
        set_team=billing,
        set_priority=Priority.HIGH,
        set_type=TicketType.PROBLEM,
        add_tags=["Billing", "vip"],
    )
    ticket = make_ticket(requester=requester, subject="Wrong INVOICE amount", team=team)
    ticket.refresh_from_db()
    assert (ticket.team, ticket.priority, ticket.type) == (billing, Priority.HIGH, TicketType.PROBLEM)
    assert sorted(t.name for t in ticket.tags.all()) == ["billing", "vip"]
    event = _events(ticket, "team")[0]
    names = event.data.pop("names")  # both languages' names of the teams (tickets.events._names)
    assert event.actor is None and event.data == {"rule": billing_rule.pk, "rule_name": "Invoices"}
    assert (event.old_value, event.new_value) == ("First line", "Billing")
    assert (names["old"][0], names["new"][0]) == ("First line", "Billing")
    assert {e.field for e in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.FIELD_CHANGED)} == {
        "team",
        "priority",
        "type",
        "tags",
    }


def test_a_rule_that_does_not_match_changes_nothing(rule, requester, team, billing):
    rule(conditions=[{"field": "subject_keywords", "values": ["invoice"]}], set_team=billing)
    ticket = make_ticket(requester=requester, subject="Printer on fire", team=team)
    assert ticket.team == team and not _events(ticket, "team")


@pytest.fixture
def policy(db):
    calendar = customer_services.calendar_create(name="24/7", time_zone="UTC", always_open=True)
    return customer_services.sla_policy_create(
        name="Standard",
        calendar=calendar,
        targets=[
            {"priority": "urgent", "first_response_minutes": 15, "resolution_minutes": 60},
            {"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 1440},
        ],
        is_default=True,
    )


def test_the_rules_priority_counts_for_the_sla(rule, requester, policy):
    rule(conditions=[{"field": "subject_keywords", "values": ["outage"]}], set_priority=Priority.URGENT)
    urgent = make_ticket(requester=requester, subject="Total outage")
    assert urgent.sla_policy == policy and urgent.priority == Priority.URGENT
    assert urgent.first_response_due_at - urgent.created_at == timedelta(minutes=15)


@pytest.mark.parametrize(
    ("keyword", "subject"),
    [
        ("فاکتور", "مشکل در فاكتور"),  # Arabic kaf in the ticket
        ("فاكتور", "مشکل در فاکتور"),  # Arabic kaf in the keyword
        ("پشتیبانی", "درخواست پشتيباني"),  # Arabic yeh
        ("می‌خواهم", "من میخواهم لغو کنم"),  # ZWNJ in the keyword, closed up in the ticket
        ("میخواهم", "من می‌خواهم لغو کنم"),  # and the other way round
        ("می خواهم", "من می‌خواهم لغو کنم"),  # a space for the ZWNJ
        ("refund", "I want a REFUND"),
        ("۱۲۳", "order 123 missing"),  # Persian digits
    ],
)
def test_persian_keywords_match_whatever_the_letter_variants(rule, requester, billing, keyword, subject):
    rule(conditions=[{"field": "subject_keywords", "values": [keyword]}], set_team=billing)
    assert make_ticket(requester=requester, subject=subject).team == billing


def test_body_keywords_read_the_first_message(rule, requester, billing):
    rule(conditions=[{"field": "body_keywords", "values": ["صورت‌حساب"]}], set_team=billing)
    assert make_ticket(requester=requester, subject="Hello", body="سلام، صورت حساب من اشتباه است").team == billing
    assert make_ticket(requester=requester, subject="صورت‌حساب", body="nothing here").team != billing


def test_channel_requester_organization_product_and_language_conditions(
    rule, requester, organization, other_customer, billing
):
    product = factories.ProductFactory(name="Router")
    rule(
        name="Acme email about routers in Persian",
        conditions=[
            {"field": "channel", "values": [Channel.EMAIL, Channel.PHONE]},
            {"field": "requester", "values": [requester.pk]},
            {"field": "organization", "values": [organization.pk]},
            {"field": "product", "values": [product.pk]},
            {"field": "language", "values": ["fa"]},
        ],
        set_team=billing,
    )
    matching = dict(requester=requester, channel=Channel.EMAIL, product=product, subject="روتر کار نمی‌کند")
    assert make_ticket(**matching).team == billing
    for change in (
        {"channel": Channel.PORTAL},
        {"product": None},
        {"subject": "The router is broken", "body": "It does not work."},
        {"requester": other_customer.contact},
    ):
        assert make_ticket(**{**matching, **change}).team != billing, change


def test_contract_condition(rule, requester, organization, billing, policy):
    contract = customer_services.contract_create(
        name="Gold", organization=organization, sla_policy=policy, valid_from=date(2020, 1, 1)
    )
    rule(conditions=[{"field": "contract", "values": [contract.pk]}], set_team=billing)
    ticket = make_ticket(requester=requester, subject="Help")
    assert ticket.contract == contract and ticket.team == billing


def test_mailbox_condition_routes_mail_after_the_mailbox_team(rule, customer, team, billing):
    sales = Mailbox.objects.create(name="Sales", address="sales@helpdesk.test", team=team)
    Mailbox.objects.create(name="Support", address="support@helpdesk.test", team=team)
    rule(conditions=[{"field": "mailbox", "values": [sales.pk]}], set_team=billing)
    to_sales = email_ingest(raw=make_mail(sender=customer.email, to="sales@helpdesk.test", subject="Quote"))
    to_support = email_ingest(raw=make_mail(sender=customer.email, to="support@helpdesk.test", subject="Quote"))
    assert to_sales.ticket.team == billing
    assert to_support.ticket.team == team  # the mailbox's team, no rule matched


def test_rules_run_in_order_later_ones_win_and_stop_ends_the_run(rule, requester, team, billing):
    third = factories.TeamFactory(name="Sales", slug="sales")
    rule(name="a", position=10, set_team=billing, set_priority=Priority.LOW)
    rule(name="b", position=20, set_team=third)
    ticket = make_ticket(requester=requester, subject="x")
    assert (ticket.team, ticket.priority) == (third, Priority.LOW)
    rule(name="stopper", position=15, set_priority=Priority.HIGH, stop=True)
    ticket = make_ticket(requester=requester, subject="x")
    assert (ticket.team, ticket.priority) == (billing, Priority.HIGH)


def test_inactive_rules_do_not_run(rule, requester, billing):
    rule(set_team=billing, is_active=False)
    assert make_ticket(requester=requester, subject="x").team != billing


def test_an_agent_opening_a_ticket_keeps_what_they_chose(rule, requester, agent, team, billing):
    rule(set_team=billing, set_priority=Priority.LOW, add_tags=["routed"])
    chosen = make_ticket(requester=requester, actor=agent, subject="x", team=team, priority=Priority.URGENT)
    assert (chosen.team, chosen.priority) == (team, Priority.URGENT)
    assert [t.name for t in chosen.tags.all()] == ["routed"]
    left_empty = make_ticket(requester=requester, actor=agent, subject="x")
    assert left_empty.team == billing


def test_a_rule_naming_a_deactivated_team_is_switched_off_reported_and_the_rest_still_run(
    rule, requester, billing, admin_user, team
):
    broken = rule(name="To billing", position=10, set_team=billing)
    rule(name="Tag it", position=20, add_tags=["seen"])
    billing.is_active = False
    billing.save()
    ticket = make_ticket(requester=requester, subject="x")
    assert ticket.pk and ticket.team == team and [t.name for t in ticket.tags.all()] == ["seen"]
    broken.refresh_from_db()
    assert not broken.is_active and "not active" in broken.disabled_reason and broken.disabled_at
    failed = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ROUTING_FAILED)
    assert failed.actor is None and failed.data["rule"] == broken.pk
    mail = NotificationLog.objects.get(template="routing_rule_failed")
    assert mail.recipient == admin_user.email and mail.context["rule_name"] == "To billing"
    # switched off once: the next ticket neither fails nor mails again
    make_ticket(requester=requester, subject="y")
    assert NotificationLog.objects.filter(template="routing_rule_failed").count() == 1


def test_a_stored_rule_the_code_cannot_read_fails_alone(rule, requester, billing):
    rule(name="ok", position=20, set_team=billing)
    bad = rule(name="bad", position=10, set_priority=Priority.HIGH)
    RoutingRule.objects.filter(pk=bad.pk).update(conditions=[{"field": "moon_phase", "values": [1]}])
    ticket = make_ticket(requester=requester, subject="x")
    assert ticket.team == billing and ticket.priority == Priority.NORMAL
    bad.refresh_from_db()
    assert not bad.is_active and "unreadable" in bad.disabled_reason


def test_a_deactivated_assignee_breaks_the_rule_not_the_ticket(rule, requester, agent):
    broken = rule(set_assignee=agent)
    agent.is_active = False
    agent.save()
    ticket = make_ticket(requester=requester, subject="x")
    assert ticket.assignee is None and ticket.status == Status.NEW
    broken.refresh_from_db()
    assert not broken.is_active


def test_a_rule_assignee_gets_the_ticket_opened_and_mailed(rule, requester, agent):
    rule(set_assignee=agent)
    ticket = make_ticket(requester=requester, subject="x")
    assert ticket.assignee == agent and ticket.status == Status.OPEN
    assert NotificationLog.objects.filter(template="ticket_assigned", recipient=agent.email).exists()
    ticket.refresh_from_db()
    assert ticket.assignee == agent and ticket.status == Status.OPEN


@pytest.mark.parametrize(("language", "words"), [("en", "was switched off"), ("fa", "خاموش شد")])
def test_the_admins_mail_about_a_switched_off_rule_reads_in_their_language(
    rule, requester, billing, admin_user, language, words
):
    from helpdesk.mail import mail_render
    from tickets.routing.failures import failed_mail

    admin_user.language = language
    admin_user.save()
    broken = rule(name="To billing", set_team=billing)
    billing.is_active = False
    billing.save()
    ticket = make_ticket(requester=requester, subject="x")
    row = NotificationLog.objects.get(template="routing_rule_failed")
    plan = failed_mail(row)
    mail = mail_render(template=row.template, language=plan.language, context=plan.context)
    assert words in mail.subject and f"/admin/tickets/routingrule/{broken.pk}/change/" in mail.text
    number = persian_digits(ticket.pk) if language == "fa" else str(ticket.pk)
    assert f"#{number}" in mail.text and "To billing" in mail.text
