"""The ticket page's time (reply form, time panel, the contract's hours bank), the agents' contact
page and the portal's contract page: totals for customers, never agents' entries."""

import pytest
from django.urls import reverse

from tickets.models import TimeEntry


def test_the_reply_form_logs_time_typed_in_persian_digits(agent_client, acme_ticket, activities):
    answer = agent_client.post(
        reverse("agent:ticket-reply", args=[acme_ticket.pk]),
        {"kind": "note", "body": "Checked", "minutes": "۱:۳۰", "activity": activities["Phone call"].pk},
    )
    assert answer.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.activity.name, entry.message.internal) == (90, "Phone call", True)


def test_a_bad_duration_is_a_form_error_and_nothing_is_sent(agent_client, acme_ticket, activities):
    answer = agent_client.post(
        reverse("agent:ticket-reply", args=[acme_ticket.pk]), {"kind": "reply", "body": "Hi", "minutes": "1:99"}
    )
    assert answer.status_code == 400
    assert "Minutes after the colon go up to 59" in answer.content.decode()
    assert acme_ticket.messages.count() == 1


def test_required_time_is_a_form_error_on_the_reply(settings, agent_client, acme_ticket, activities):
    settings.HELPDESK_REQUIRE_TIME = True
    url = reverse("agent:ticket-reply", args=[acme_ticket.pk])
    page = agent_client.get(reverse("agent:ticket", args=[acme_ticket.pk])).content.decode()
    assert "Time spent (required)" in page
    answer = agent_client.post(url, {"kind": "reply", "body": "Hi"})
    assert answer.status_code == 400
    assert "Log the time you spent" in answer.content.decode()
    assert acme_ticket.messages.count() == 1
    assert agent_client.post(url, {"kind": "reply", "body": "Hi", "minutes": "10"}).status_code == 302


def test_the_time_panel_shows_totals_and_logs_changes_and_deletes(agent_client, agent, acme_ticket, log, activities):
    log(acme_ticket, agent, 50)
    panel_url = reverse("agent:ticket-time", args=[acme_ticket.pk])
    panel = agent_client.get(panel_url, HTTP_HX_REQUEST="true").content.decode()
    assert "0:50" in panel and "Change" in panel
    add = reverse("agent:ticket-time-add", args=[acme_ticket.pk])
    answer = agent_client.post(add, {"minutes": "40", "activity": activities["Investigation"].pk, "note": "logs"})
    assert answer.status_code == 302
    assert "1:30" in agent_client.get(panel_url, HTTP_HX_REQUEST="true").content.decode()
    entry = TimeEntry.objects.get(note="logs")
    edit = reverse("agent:ticket-time-edit", args=[acme_ticket.pk, entry.pk])
    agent_client.post(edit, {f"e{entry.pk}-minutes": "1:00", f"e{entry.pk}-activity": activities["Phone call"].pk})
    entry.refresh_from_db()
    assert (entry.minutes, entry.activity.name) == (60, "Phone call")
    agent_client.post(reverse("agent:ticket-time-delete", args=[acme_ticket.pk, entry.pk]))
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()
    # without JavaScript the panel is a page of its own
    assert agent_client.get(panel_url).status_code == 200


def test_bad_input_on_the_panel_is_a_message_not_an_error(agent_client, acme_ticket, activities):
    add = reverse("agent:ticket-time-add", args=[acme_ticket.pk])
    answer = agent_client.post(add, {"minutes": "lots", "activity": activities["Investigation"].pk}, follow=True)
    assert answer.status_code == 200
    assert "Type minutes (90) or hours:minutes (1:30)." in answer.content.decode()
    assert not TimeEntry.objects.exists()


def test_an_agent_cannot_change_another_agents_entry_on_the_page(
    client, second_agent, agent, acme_ticket, globex_ticket, log
):
    entry = log(acme_ticket, agent, 30)
    client.force_login(second_agent)
    edit = reverse("agent:ticket-time-edit", args=[acme_ticket.pk, entry.pk])
    assert client.post(edit, {f"e{entry.pk}-minutes": "1"}).status_code == 403
    assert client.post(reverse("agent:ticket-time-delete", args=[acme_ticket.pk, entry.pk])).status_code == 403
    # the entry seen through another ticket's address does not exist
    assert client.post(reverse("agent:ticket-time-delete", args=[globex_ticket.pk, entry.pk])).status_code == 404
    panel = client.get(reverse("agent:ticket-time", args=[acme_ticket.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Delete this entry" not in panel  # not offered
    assert TimeEntry.objects.get().minutes == 30


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_customers_never_reach_the_time_panel(client, persona, acme_ticket, agent, log, who):
    entry = log(acme_ticket, agent, 30)
    client.force_login(persona(who))
    for url in (
        reverse("agent:ticket-time", args=[acme_ticket.pk]),
        reverse("agent:ticket-time-delete", args=[acme_ticket.pk, entry.pk]),
    ):
        response = client.post(url) if "delete" in url else client.get(url)
        assert response.status_code in (302, 403, 404)
    assert TimeEntry.objects.exists()


def test_the_ticket_sidebar_shows_the_contracts_bank_and_over_budget(agent_client, agent, acme_ticket, log):
    # the customer card: a panel of the sidebar, loaded after the page (tickets.workspace.side_views)
    side = reverse("agent:ticket-side", args=[acme_ticket.pk])
    page = agent_client.get(side, HTTP_HX_REQUEST="true").content.decode()
    assert "Hours bank" in page and "Over budget" not in page
    log(acme_ticket, agent, 150)
    page = agent_client.get(side, HTTP_HX_REQUEST="true").content.decode()
    assert "Over budget" in page and "Over by" in page


def test_the_time_panel_costs_the_same_queries_whatever_the_entries(
    agent_client, agent, second_agent, acme_ticket, log, django_assert_max_num_queries
):
    url = reverse("agent:ticket-time", args=[acme_ticket.pk])
    log(acme_ticket, agent, 5)
    agent_client.get(url, HTTP_HX_REQUEST="true")
    for n in range(25):
        log(acme_ticket, second_agent if n % 2 else agent, 5 + n)
    # session, user, the ticket, activity types, the minutes per agent (their sums are the totals), the
    # latest entries (+message)
    with django_assert_max_num_queries(6):
        assert agent_client.get(url, HTTP_HX_REQUEST="true").status_code == 200


def test_the_portal_shows_the_bank_totals_and_never_an_agent(client, customer, agent, acme_ticket, log):
    agent.full_name = "Agent Smith"
    agent.save()
    log(acme_ticket, agent, 90)
    client.force_login(customer)
    page = client.get(reverse("portal:contract")).content.decode()
    assert "Support time used" in page and "Hours bank" in page
    assert "1.5 h" in page and "0.5 h" in page  # used, left
    assert "Agent Smith" not in page and agent.email not in page


def test_hours_round_half_up_so_the_hours_agree_with_the_percentage(client, customer, agent, acme_ticket, log):
    log(acme_ticket, agent, 195)  # 3.25 h of a 2 h bank: 162.5 %, 1.25 h over
    client.force_login(customer)
    page = client.get(reverse("portal:contract")).content.decode()
    assert "3.3 h" in page and "1.3 h" in page and "163%" in page
    assert "3.2 h" not in page and "1.2 h" not in page and "162%" not in page
    client.cookies["django_language"] = "fa"
    page = client.get(reverse("portal:contract"), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "۳٫۳" in page and "۱٫۳" in page


def test_a_customer_sees_only_their_own_organizations_bank(
    client, other_customer, agent, acme_ticket, globex_contract, log
):
    log(acme_ticket, agent, 90)
    client.force_login(other_customer)
    page = client.get(reverse("portal:contract")).content.decode()
    assert "Globex support" in page and "Acme support" not in page
    assert "1.5 h" not in page  # Acme's use is not Globex's


def test_the_contact_page_shows_their_contracts_banks(agent_client, agent, acme_ticket, log):
    log(acme_ticket, agent, 30)
    page = agent_client.get(reverse("agent:contact", args=[acme_ticket.requester_id])).content.decode()
    assert "Acme support" in page and "Hours bank" in page
