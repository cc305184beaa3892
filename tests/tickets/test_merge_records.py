"""Merging a duplicate keeps what was recorded on it: time entries, the problem link, tags, sales
opportunities, product feedback and article uses go to the ticket that lives on, each counted once
(tickets.services.merge_records); a satisfaction rating stays where it was given."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services as customer_services
from knowledgebase.services import articles as kb_services
from tickets import kb_integration, services
from tickets.feedback import services as feedback_services
from tickets.feedback.selectors import feedback_item_annotated
from tickets.models import (
    ArticleUsage,
    EventKind,
    FeedbackItem,
    FeedbackLink,
    Message,
    Opportunity,
    SatisfactionRating,
    Ticket,
    TicketEvent,
    TimeEntry,
)
from tickets.opportunities import services as opportunity_services
from tickets.problems import services as problem_services
from tickets.problems.selectors import problem_get_for
from tickets.reports import REPORTS
from tickets.reports.params import ReportForm
from tickets.timetrack import selectors as time_selectors
from tickets.timetrack import services as time_services
from tickets.transitions import TicketMerged

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def contract(customer):
    """Acme's contract with a 10-hour bank: tickets of the customer persona open under it."""
    calendar = customer_services.calendar_create(name="24/7", time_zone="UTC", always_open=True)
    policy = customer_services.sla_policy_create(
        name="Standard",
        calendar=calendar,
        is_default=True,
        targets=[{"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 1440}],
    )
    return customer_services.contract_create(
        name="Acme support",
        organization=customer.contact.organization,
        sla_policy=policy,
        valid_from=date(2020, 1, 1),
        hours_bank=10,
    )


def log(ticket, agent, minutes, day=None):
    return time_services.time_entry_log(
        ticket=ticket,
        actor=agent,
        time=time_services.TimeSpent(minutes=minutes, performed_on=day or timezone.localdate(), note=f"{minutes}"),
    )


def time_report(user, **query):
    form = ReportForm(query, report=REPORTS["time"])
    assert form.is_valid(), form.errors
    return REPORTS["time"].compute(form.params(user=user))


def note_of(target) -> str:
    return Message.objects.filter(ticket=target, internal=True).latest("id").body_text


def merged_event(target) -> TicketEvent:
    return TicketEvent.objects.get(ticket=target, kind=EventKind.MERGED)


# --- time entries ------------------------------------------------------------------------------


def test_time_entries_move_to_the_target_as_they_were_and_the_note_counts_them(make, agent, other_agent, contract):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    yesterday = timezone.localdate() - timedelta(days=1)
    mine, theirs = log(source, agent, 90, day=yesterday), log(source, other_agent, 30)
    log(target, agent, 15)
    services.ticket_merge(source=source, target=target, actor=agent)

    assert not TimeEntry.objects.filter(ticket=source).exists()
    moved = {e.pk: (e.ticket_id, e.agent_id, e.minutes, e.performed_on, e.note) for e in TimeEntry.objects.all()}
    assert moved[mine.pk] == (target.pk, agent.pk, 90, yesterday, "90")
    assert moved[theirs.pk] == (target.pk, other_agent.pk, 30, timezone.localdate(), "30")
    assert time_selectors.ticket_time_for(user=agent, ticket=target).total_minutes == 135
    data = merged_event(target).data
    assert (data["from"], data["time_entries"], data["minutes"]) == (source.pk, 2, 120)
    assert "Time entries: 2 (2:00)" in note_of(target)
    assert "contract" not in note_of(target)  # both under Acme's contract: nothing to check


def test_the_time_report_counts_the_moved_time_once_on_the_target_and_its_organization(make, agent, contract):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    log(source, agent, 60)
    log(source, agent, 30)
    log(target, agent, 60)
    before = time_report(agent, group_by="organization")
    services.ticket_merge(source=source, target=target, actor=agent)

    after = time_report(agent, group_by="organization")
    assert [(r["group"], r["hours"], r["tickets"]) for r in after.tables[0].rows] == [("Acme", 2.5, 1)]
    assert {f.key: f.value for f in after.figures} == {"hours": 2.5, "entries": 3, "tickets": 1}
    assert {f.key: f.value for f in before.figures} == {"hours": 2.5, "entries": 3, "tickets": 2}
    bank = {row["contract"]: row["used"] for row in time_report(agent, group_by="contract").tables[1].rows}
    assert bank == {"Acme support": 2.5}
    listed = time_selectors.time_entry_list_for(user=agent, filters={"ticket": target.pk})
    assert sum(e.minutes for e in listed) == 150


def test_the_targets_ticket_page_shows_the_moved_time(agent_client, make, agent, contract):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    log(source, agent, 90)
    log(target, agent, 30)
    services.ticket_merge(source=source, target=target, actor=agent)

    side = agent_client.get(reverse("agent:ticket-side", args=[target.pk]), **HTMX).content.decode()
    assert '<span class="time-total-value" dir="ltr">2:00</span>' in side and "2 entries" in side
    panel = agent_client.get(reverse("agent:ticket-time", args=[source.pk]), **HTMX).content.decode()
    assert '<span class="time-total-value" dir="ltr">0:00</span>' in panel  # nothing left on the duplicate
    page = agent_client.get(reverse("agent:ticket", args=[target.pk])).content.decode()
    assert (
        f'merged <bdi class="ev-ticket">#{source.pk}</bdi> into this ticket, with <bdi class="ev-time">1:30</bdi>'
        in page
    )
    assert "Time entries: 1 (1:30)" in page  # the internal note


def test_time_moved_to_a_ticket_under_another_contract_is_pointed_out(make, agent, contract, other_customer):
    from tests.tickets.conftest import contact_of

    source = make(subject="Duplicate")
    target = make(subject="Keeper", requester=contact_of(other_customer))  # no contract covers them
    log(source, agent, 60)
    services.ticket_merge(source=source, target=target, actor=agent)
    assert "now counts against this ticket's contract, not the duplicate's" in note_of(target)


# --- problem ------------------------------------------------------------------------------------


def test_the_target_takes_the_duplicates_problem_and_the_problem_counts_the_request_once(make, agent):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    problem = problem_services.problem_create(actor=agent, title="Mail outage", tickets=[source])
    services.ticket_merge(source=source, target=target, actor=agent)

    source.refresh_from_db()
    target.refresh_from_db()
    assert (target.problem_id, source.problem_id) == (problem.pk, None)
    assert problem_get_for(user=agent, problem_id=problem.pk).incident_count == 1
    linked = TicketEvent.objects.get(ticket=target, kind=EventKind.PROBLEM_LINKED)
    assert (linked.new_value, linked.data["merged_from"]) == ("Mail outage", source.pk)
    assert TicketEvent.objects.filter(ticket=source, kind=EventKind.PROBLEM_UNLINKED).exists()
    assert "Problem: Mail outage" in note_of(target) and merged_event(target).data["problem"] == problem.pk


def test_when_both_have_a_problem_the_target_keeps_its_own_and_the_note_names_the_other(make, agent):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    theirs = problem_services.problem_create(actor=agent, title="Mail outage", tickets=[source])
    ours = problem_services.problem_create(actor=agent, title="DNS failure", tickets=[target])
    services.ticket_merge(source=source, target=target, actor=agent)

    target.refresh_from_db()
    assert target.problem_id == ours.pk
    assert "another problem, Mail outage; this ticket stays with DNS failure" in note_of(target)
    assert merged_event(target).data["problem_apart"] == theirs.pk
    assert problem_get_for(user=agent, problem_id=theirs.pk).incident_count == 0
    # the agent can fix it: the target moves to the duplicate's problem
    problem_services.problem_link(problem=theirs, tickets=[target], actor=agent)
    assert problem_get_for(user=agent, problem_id=theirs.pk).incident_count == 1


def test_the_same_problem_on_both_counts_the_request_once(make, agent):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    problem = problem_services.problem_create(actor=agent, title="Mail outage", tickets=[source, target])
    services.ticket_merge(source=source, target=target, actor=agent)
    assert problem_get_for(user=agent, problem_id=problem.pk).incident_count == 1
    assert not TicketEvent.objects.filter(ticket=target, kind=EventKind.PROBLEM_LINKED, data__merged_from=source.pk)
    assert "problem" not in note_of(target).lower()


# --- tags, opportunities, product feedback, articles, ratings ----------------------------------


def test_tags_are_the_union_with_one_tags_event_on_the_target(make, agent):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    services.ticket_update(ticket=source, actor=agent, changes={}, tags=["vip", "printer"])
    services.ticket_update(ticket=target, actor=agent, changes={}, tags=["printer", "billing"])
    services.ticket_merge(source=source, target=target, actor=agent)

    assert sorted(target.tags.values_list("name", flat=True)) == ["billing", "printer", "vip"]
    assert sorted(source.tags.values_list("name", flat=True)) == ["printer", "vip"]  # its history stays
    event = TicketEvent.objects.filter(ticket=target, field="tags").latest("id")
    assert (event.old_value, event.new_value) == ("billing, printer", "billing, printer, vip")
    assert "Tags added: vip" in note_of(target)


def test_sales_opportunities_and_feedback_links_move_and_count_once(make, agent):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    opportunity = opportunity_services.opportunity_create(ticket=source, actor=agent, note="Wants 50 seats")
    both = feedback_services.feedback_item_create(actor=agent, title="Dark mode", tickets=[source, target])
    only_source = feedback_services.feedback_item_create(actor=agent, title="Export", tickets=[source])
    services.ticket_merge(source=source, target=target, actor=agent)

    opportunity.refresh_from_db()
    assert (opportunity.ticket_id, opportunity.organization_id) == (target.pk, source.organization_id)
    assert set(FeedbackLink.objects.values_list("item_id", "ticket_id")) == {
        (both.pk, target.pk),
        (only_source.pk, target.pk),
    }
    counts = dict(feedback_item_annotated(FeedbackItem.objects.all()).values_list("pk", "ticket_count"))
    assert counts == {both.pk: 1, only_source.pk: 1}
    assert Opportunity.objects.get().ticket_id == target.pk
    data = merged_event(target).data
    assert (data["opportunities"], data["feedback_links"]) == (1, 1)
    assert "Sales opportunities: 1" in note_of(target) and "Product feedback links: 1" in note_of(target)


def test_a_record_added_through_a_copy_read_before_the_merge_is_refused_not_left_on_the_duplicate(make, agent):
    """The race a merge meets: a page read the ticket, the merge commits, then the agent logs time, marks an
    opportunity or links feedback with the ticket as it was read. Each reads the row again under its lock."""
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    stale = Ticket.objects.get(pk=source.pk)
    services.ticket_merge(source=source, target=target, actor=agent)
    assert stale.merged_into_id is None  # the caller's copy knows nothing of the merge

    with pytest.raises(TicketMerged):
        log(stale, agent, 30)
    with pytest.raises(TicketMerged):
        opportunity_services.opportunity_create(ticket=stale, actor=agent, note="Wants 50 seats")
    item = feedback_services.feedback_item_create(actor=agent, title="Dark mode", tickets=[target])
    with pytest.raises(TicketMerged):
        feedback_services.feedback_link(item=item, tickets=[target, stale], actor=agent)
    assert not TimeEntry.objects.exists() and not Opportunity.objects.exists()
    assert list(FeedbackLink.objects.values_list("ticket_id", flat=True)) == [target.pk]


def test_articles_used_in_the_moved_replies_move_with_them_once(make, agent):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    faq, guide = (kb_services.article_create(author=agent, title=t, body="…") for t in ("FAQ", "Guide"))
    for ticket in (source, target):
        kb_integration.article_usage_record(ticket=ticket, article=faq, actor=agent, mode="link")
    kb_integration.article_usage_record(ticket=source, article=guide, actor=agent, mode="text")
    services.ticket_merge(source=source, target=target, actor=agent)
    used = set(ArticleUsage.objects.values_list("ticket_id", "article_id", "mode"))
    assert used == {(target.pk, faq.pk, "link"), (target.pk, guide.pk, "text")}


def test_a_satisfaction_rating_stays_on_the_ticket_where_it_was_given(make, agent, requester):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    rating = SatisfactionRating.objects.create(ticket=source, contact=requester, score=2)
    services.ticket_merge(source=source, target=target, actor=agent)
    assert SatisfactionRating.objects.get(pk=rating.pk).ticket_id == source.pk


# --- queries --------------------------------------------------------------------------------------


def _loaded_pair(make, agent, *, entries: int, tags: int):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    problem = problem_services.problem_create(actor=agent, title="Outage", tickets=[source])
    services.ticket_update(ticket=source, actor=agent, changes={}, tags=[f"tag{n}" for n in range(tags)])
    for n in range(entries):
        log(source, agent, 5 + n)
    for n in range(max(1, entries // 10)):
        opportunity_services.opportunity_create(ticket=source, actor=agent, note=f"{n}")
    feedback_services.feedback_item_create(actor=agent, title="Dark mode", tickets=[source])
    return source, target, problem


def test_a_merge_runs_the_same_queries_whatever_it_carries(make, agent, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    source, target, _problem = _loaded_pair(make, agent, entries=1, tags=1)
    with CaptureQueriesContext(connection) as few:
        services.ticket_merge(source=source, target=target, actor=agent)
    source, target, _problem = _loaded_pair(make, agent, entries=60, tags=8)
    # lock both, move messages, attachments, referrals; time (sums, move); tags (read, insert, names,
    # event); problem (read, two events); opportunities; feedback (move, drop); articles (move, drop);
    # the note; the close with its events, SLA and link; the target's save, search and SLA
    assert len(few) <= 40
    with django_assert_max_num_queries(len(few)):
        services.ticket_merge(source=source, target=target, actor=agent)
    assert TimeEntry.objects.filter(ticket=target).count() == 60
    assert target.tags.count() == 8


# --- the confirmation says what moves, in English and Persian -----------------------------------


def test_the_merge_confirmation_and_card_say_what_moves_in_english_and_persian(client, agent, make):
    from django.utils import translation

    ticket = make(subject="Duplicate")
    client.force_login(agent)
    url = reverse("agent:ticket-side", args=[ticket.pk])
    side = client.get(url, **HTMX).content.decode()
    assert "time entries, sales opportunities and product feedback move there" in side
    assert "a satisfaction rating stays where it was given" in side
    agent.language = "fa"
    agent.save()
    with translation.override("fa"):
        side = client.get(url, HTTP_ACCEPT_LANGUAGE="fa", **HTMX).content.decode()
    assert "ثبت‌های زمان، فرصت‌های فروش و بازخوردهای محصولِ آن به آنجا منتقل می‌شوند" in side
    assert "امتیاز رضایت همان‌جا که داده شده می‌ماند" in side
