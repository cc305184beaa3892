"""The filters of every ticket list: the API's query parameters, and through
tickets.selectors.ticket_list_for the agent list page's form. The names are part of the public
contract (DESIGN.md).
"""

from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from helpdesk.api_support import FilterSet, IdFilter, IsoDateTimeFilter
from helpdesk.models import Priority, User
from helpdesk.text import split_list
from tickets.models import Channel, RatingFollowUp, SlaState, Status, Ticket, TicketType
from tickets.search import ticket_search


class ListWidget(forms.TextInput):
    """`?status=new,open` and `?status=new&status=open` both give ["new", "open"]."""

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if not isinstance(raw, list | tuple):
            raw = [raw or ""]  # one value from a plain dict (tickets.selectors.ticket_list_for)
        return [part for value in raw for part in split_list(str(value))]


def _choices(choices, label):
    # distinct=False: a plain IN on a column cannot duplicate rows, and DISTINCT would stop
    # PostgreSQL from reading the (status, team, updated_at) index in order (100x slower at 1M rows).
    return django_filters.MultipleChoiceFilter(choices=choices, widget=ListWidget, label=label, distinct=False)


class TicketCustomerFilter(FilterSet):
    """What a customer may filter on: nothing that reveals internal fields (SLA, assignee, tags)."""

    status = _choices(Status.choices, _("Status (several allowed, comma-separated)"))
    priority = _choices(Priority.choices, _("Priority (several allowed)"))
    type = _choices(TicketType.choices, _("Type (several allowed)"))
    channel = _choices(Channel.choices, _("Channel (several allowed)"))
    requester = IdFilter(field_name="requester_id", label=_("Contact id"))
    organization = IdFilter(field_name="organization_id", label=_("Organization id"))
    product = IdFilter(field_name="product_id", label=_("Product id"))
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updated_before = IsoDateTimeFilter(field_name="updated_at", lookup_expr="lt")
    q = django_filters.CharFilter(
        method="filter_q", label=_("Search: words of the subject, messages, requester, organization, or #number")
    )

    class Meta:
        model = Ticket
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return ticket_search(qs, value)


class TicketFilter(TicketCustomerFilter):
    """Agents' filters: the customers' plus team, assignee, tag, custom status and the SLA columns."""

    sla_state = _choices(SlaState.choices, _("SLA state (several allowed)"))
    team = IdFilter(field_name="team_id", label=_("Team id"))
    assignee = django_filters.CharFilter(method="filter_assignee", label=_("Agent id, `me`, or `none` (unassigned)"))
    tag = django_filters.CharFilter(method="filter_tag", label=_("Tag name"))
    custom_status = IdFilter(field_name="custom_status_id", label=_("Custom status id"))
    resolution_due_before = IsoDateTimeFilter(field_name="resolution_due_at", lookup_expr="lte")
    first_response_due_before = IsoDateTimeFilter(field_name="first_response_due_at", lookup_expr="lte")
    follow_up = django_filters.ChoiceFilter(
        choices=[("open", "open")],
        method="filter_follow_up",
        label=_("`open`: a bad rating waits for its follow-up"),
    )

    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Search: words of the subject, messages and internal notes, requester, organization, or #number"),
    )

    class Meta(TicketCustomerFilter.Meta):
        pass

    def filter_q(self, qs: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        # Agents also find tickets by the words of internal notes (never customers: the filter above).
        return ticket_search(qs, value, internal=True)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user: User | None = None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user if user is not None else getattr(request, "user", None)

    def filter_assignee(self, qs: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        value = value.strip().lower()
        if value == "none":
            return qs.unassigned()
        if value == "me":
            return qs.filter(assignee_id=self.user.pk)
        if not value.isdigit() or len(value) > 10:
            raise ValidationError({"assignee": [_("An agent id, `me` or `none`.")]})
        return qs.filter(assignee_id=int(value))

    def filter_follow_up(self, qs: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        # follow_up_one_open_per_ticket (a unique partial index) answers the EXISTS per ticket
        return qs.filter(Exists(RatingFollowUp.objects.filter(ticket_id=OuterRef("pk"), resolved_at__isnull=True)))

    def filter_tag(self, qs: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        # Tag names are stored lower-cased (tickets.services._tags); one tag per name, so no duplicates.
        return qs.filter(tags__name=value.strip().lower())


def ticket_filter(qs: QuerySet[Ticket], *, user: User, data: Mapping[str, Any]) -> QuerySet[Ticket]:
    """`qs` narrowed by `data` (parameter name to value, or list of values), with the filters of the
    user's role; a value the filters refuse raises ValidationError naming its parameter."""
    filterset = TicketFilter(data, queryset=qs, user=user) if user.is_agent else TicketCustomerFilter(data, queryset=qs)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
