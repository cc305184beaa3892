"""Forms of the product feedback pages and the ticket panel: they validate; the views call the services."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from customers.models import Product
from helpdesk import dates
from helpdesk import selectors as core_selectors
from helpdesk.api_support import DB_INT_MAX
from helpdesk.models import User
from helpdesk.statements import CompiledQuerySet
from tickets.models import FeedbackItem

OPEN_ITEM_STATUSES = (FeedbackItem.Status.NEW, FeedbackItem.Status.PLANNED, FeedbackItem.Status.IN_PROGRESS)
LINK_CHOICES_CAP = 200  # the ticket panel offers the most recently changed open items


def _blank(label, choices):
    return [("", label), *choices]


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


def _products():
    return Product.objects.filter(is_active=True).order_by("name")


class FeedbackFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(_("Any status"), FeedbackItem.Status.choices)
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(_("Any kind"), FeedbackItem.Kind.choices))
    product = forms.ModelChoiceField(label=_("Product"), required=False, queryset=None, empty_label=_("Any product"))
    page = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX // 100, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _products()


class FeedbackItemForm(forms.Form):
    """Create or edit an item (the status too: a change is recorded and sent as a webhook)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=FeedbackItem.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=FeedbackItem.Status.choices)
    product = forms.ModelChoiceField(label=_("Product"), required=False, queryset=None, empty_label=_("No product"))
    owner = AgentChoiceField(label=_("Owner"), required=False, queryset=None, empty_label=_("Nobody"))
    tracker_url = forms.URLField(label=_("Tracker link"), required=False, max_length=500, assume_scheme="https")
    tracker_key = forms.CharField(label=_("Tracker key"), required=False, max_length=64)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _products()
        self.fields["owner"].queryset = (
            core_selectors.agent_list_for(user=user).prefetch_related(None).order_by("full_name", "email")
        )


def _open_items() -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.filter(status__in=OPEN_ITEM_STATUSES)


def _recent_open_items() -> QuerySet[FeedbackItem]:
    return _open_items().order_by("-updated_at", "-id").only("pk", "title")[:LINK_CHOICES_CAP]


_RECENT_OPEN_ITEMS = CompiledQuerySet(_recent_open_items, stand_ins={})  # compiled once per process


class LinkItemForm(forms.Form):
    """From a ticket: link it to an existing open item, or name a new one."""

    item = forms.ModelChoiceField(label=_("Existing item"), required=False, queryset=None, empty_label=_("Choose…"))
    title = forms.CharField(label=_("Or a new item"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=FeedbackItem.Kind.choices, required=False, initial=FeedbackItem.Kind.FEATURE_REQUEST
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.fields["item"]
        item.queryset = _open_items()  # validates a submitted item
        recent = _RECENT_OPEN_ITEMS.fetch()
        item.choices = [
            ("", item.empty_label),
            *((str(i.pk), f"{dates.local_number(i.pk)} · {i.title}") for i in recent),
        ]

    def clean(self):
        data = super().clean()
        if not data.get("item") and not (data.get("title") or "").strip():
            raise forms.ValidationError(_("Choose an item, or give a title for a new one."))
        return data
