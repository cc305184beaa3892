"""A sales opportunity's events say its kind and state in the reader's language, not in the language
of whoever marked or moved it (tickets.workspace.event_sentences.ear_item)."""

import pytest
from django.utils import translation

from tickets.models import EventKind, Opportunity, TicketEvent
from tickets.opportunities import services
from tickets.workspace.event_sentences import event_view

pytestmark = pytest.mark.django_db


def test_an_opportunity_marked_and_lost_in_english_reads_in_persian(agent, ticket):
    with translation.override("en"):
        opportunity = services.opportunity_create(ticket=ticket, actor=agent, kind=Opportunity.Kind.UPGRADE)
        services.opportunity_update(opportunity=opportunity, actor=agent, changes={"state": Opportunity.State.LOST})
    created = TicketEvent.objects.get(ticket=ticket, kind=EventKind.OPPORTUNITY_CREATED)
    changed = TicketEvent.objects.get(ticket=ticket, kind=EventKind.OPPORTUNITY_CHANGED)
    assert (created.new_value, changed.new_value) == ("Upgrade", "Lost")  # as stored, in the writer's language

    with translation.override("fa"):
        created_text, changed_text = str(event_view(created).sentence), str(event_view(changed).sentence)
    assert "ارتقا" in created_text and "Upgrade" not in created_text
    assert "ناموفق" in changed_text and "Lost" not in changed_text
    with translation.override("en"):
        assert "Lost" in str(event_view(changed).sentence)
