"""Forms of the sales opportunity pages and the ticket panel: they validate; the views call the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Organization, Product
from helpdesk import selectors as core_selectors
from helpdesk.api_support import DB_INT_MAX
from helpdesk.models import User
from helpdesk.statements import CompiledQuerySet
from tickets.models import Opportunity


def _blank(label, choices):
    return [("", label), *choices]


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


def _products():
    return Product.objects.filter(is_active=True).order_by("name")


_ACTIVE_PRODUCTS = CompiledQuerySet(_products, stand_ins={})  # the panel's picker, compiled once per process


class OpportunityForm(forms.Form):
    """Mark a ticket as an opportunity."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Opportunity.Kind.choices)
    estimated_value = forms.DecimalField(
        label=_("Estimated value"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    product = forms.ModelChoiceField(label=_("Product"), required=False, queryset=None, empty_label=_("The ticket's"))
    note = forms.CharField(label=_("Note for sales"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, products: list[Product] | None = None, **kwargs):
        """`products`: the active products by name, when the page read them already (the sidebar's pickers)."""
        super().__init__(*args, **kwargs)
        product = self.fields["product"]
        product.queryset = _products()  # validates a submitted product
        # What a rendering offers, read then (a submitted form reads none) through the compiled statement,
        # not the queryset's server-side cursor (three round trips).
        product.choices = lambda: [
            ("", product.empty_label),
            *(
                (str(p.pk), product.label_from_instance(p))
                for p in (_ACTIVE_PRODUCTS.fetch() if products is None else products)
            ),
        ]


class OpportunityChangeForm(forms.Form):
    """Sales moves an opportunity on: state (with a note for the history), owner, value; and corrects
    what the agent marked: kind, product, the note for sales."""

    state = forms.ChoiceField(label=_("State"), choices=Opportunity.State.choices)
    owner = AgentChoiceField(label=_("Owner"), required=False, queryset=None, empty_label=_("Nobody"))
    estimated_value = forms.DecimalField(
        label=_("Estimated value"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    note = forms.CharField(label=_("Note for the history"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Opportunity.Kind.choices)
    product = forms.ModelChoiceField(label=_("Product"), required=False, queryset=None, empty_label=_("No product"))
    sales_note = forms.CharField(label=_("Note for sales"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            core_selectors.agent_list_for(user=user).prefetch_related(None).order_by("full_name", "email")
        )
        self.fields["product"].queryset = _products()

    def changes(self) -> dict:
        """The opportunity's fields as the service takes them (`note` there is the note for sales)."""
        data = self.cleaned_data
        fields = ("state", "owner", "estimated_value", "kind", "product")
        return {**{name: data[name] for name in fields}, "note": data["sales_note"]}


class OpportunityFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_blank(_("Any state"), Opportunity.State.choices)
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(_("Any kind"), Opportunity.Kind.choices))
    organization = forms.ModelChoiceField(
        label=_("Organization"), required=False, queryset=None, empty_label=_("Any organization")
    )
    product = forms.ModelChoiceField(label=_("Product"), required=False, queryset=None, empty_label=_("Any product"))
    page = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX // 100, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _products()
        # only organizations that have opportunities: the list stays short
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=Opportunity.objects.filter(organization__isnull=False).values("organization")
        ).order_by("name")
