"""The dimensions reports filter and group tickets by: one table, one entry per dimension.

An entry names the ticket field, the columns its label is read from, how a row becomes a label, and
the choices its filter offers. A new ticket dimension (a category, with its parent) is one more entry;
every report that lists it in `Report.filters` / `Report.group_by` then takes it, with no other change.
Paths are from Ticket; a report over another model passes the path to its ticket (`prefix`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from customers.models import Organization, Product, ServiceContract, SlaPolicy
from helpdesk.models import Priority, Role, Team, User
from helpdesk.names import name_in_language
from tickets.models import ActivityType, Category, Channel, RootCause

NONE_LABEL = "—"


@dataclass(frozen=True)
class Dimension:
    key: str  # the query parameter and the group_by value
    label: str | Promise
    field: str  # the ticket field (a foreign key or a choices column)
    label_fields: tuple[str, ...]  # read beside the field to write its label, relative to `field`
    label_of: Callable[[dict[str, Any]], str]  # the label from those values (keys without the prefix)
    choices: Callable[[], list[tuple[str, str]]]  # the filter's options (one query, or none)
    is_text: bool = True  # a name people gave (isolated on pages) rather than our own word

    def value_paths(self, path: str) -> list[str]:
        """The column (`path`: this dimension's field seen from the queried model) and its label's."""
        return [path] + [f"{path}__{name}" for name in self.label_fields]

    def label_from_row(self, row: dict[str, Any], path: str) -> str:
        base = path
        if row.get(base) is None:
            return NONE_LABEL
        values = {"id": row[base]} | {name: row.get(f"{base}__{name}") for name in self.label_fields}
        return self.label_of(values)


def _named(values: dict[str, Any]) -> str:
    return name_in_language(values.get("name") or "", values.get("name_fa") or "")


def _team_choices() -> list[tuple[str, str]]:
    return [(str(t.pk), t.display_name) for t in Team.objects.filter(is_active=True).only("name", "name_fa")]


def _agent_choices() -> list[tuple[str, str]]:
    agents = User.objects.filter(role__in=[Role.AGENT, Role.ADMIN]).order_by("full_name", "email")
    return [(str(pk), full_name or email) for pk, full_name, email in agents.values_list("pk", "full_name", "email")]


def _product_choices() -> list[tuple[str, str]]:
    products = Product.objects.order_by("name").values_list("pk", "name", "name_fa")
    return [(str(pk), name_in_language(name, name_fa)) for pk, name, name_fa in products]


def _organization_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Organization.objects.order_by("name").values_list("pk", "name")]


def _policy_choices() -> list[tuple[str, str]]:
    return [(str(p.pk), p.display_name) for p in SlaPolicy.objects.only("name", "name_fa")]


def _category_choices() -> list[tuple[str, str]]:
    """Each category, a subcategory after its parent as "Parent › Child"."""
    rows = Category.objects.select_related("parent").order_by("parent__position", "parent__name", "position", "name")
    return [(str(c.pk), f"{c.parent.display_name} › {c.display_name}" if c.parent else c.display_name) for c in rows]


def _root_cause_choices() -> list[tuple[str, str]]:
    return [(str(r.pk), r.display_name) for r in RootCause.objects.only("name", "name_fa")]


def _contract_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in ServiceContract.objects.order_by("name").values_list("pk", "name")]


def _activity_choices() -> list[tuple[str, str]]:
    return [(str(a.pk), a.display_name) for a in ActivityType.objects.only("name", "name_fa")]


def _choices(choices) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(value, str(label)) for value, label in choices.choices]


def _choice_label(choices) -> Callable[[dict[str, Any]], str]:
    labels = dict(choices.choices)
    return lambda values: str(labels.get(values["id"], values["id"]))


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("team", _("Team"), "team", ("name", "name_fa"), _named, _team_choices),
        Dimension(
            "agent",
            _("Agent"),
            "assignee",
            ("full_name", "email"),
            lambda v: v.get("full_name") or v.get("email") or "",
            _agent_choices,
        ),
        Dimension("product", _("Product"), "product", ("name", "name_fa"), _named, _product_choices),
        Dimension(
            "organization", _("Organization"), "organization", ("name",), lambda v: v["name"], _organization_choices
        ),
        Dimension("channel", _("Channel"), "channel", (), _choice_label(Channel), _choices(Channel), is_text=False),
        Dimension("category", _("Category"), "category", ("name", "name_fa"), _named, _category_choices),
        Dimension("contract", _("Contract"), "contract", ("name",), lambda v: v["name"], _contract_choices),
        # The kind of work of a time entry (tickets.reports.time_spent reads it from the entry, `path`).
        Dimension("activity", _("Activity"), "time_entries__activity", ("name", "name_fa"), _named, _activity_choices),
        Dimension("policy", _("SLA policy"), "sla_policy", ("name", "name_fa"), _named, _policy_choices),
        # chosen when solving (tickets.reports.trends groups by it)
        Dimension("root_cause", _("Root cause"), "root_cause", ("name", "name_fa"), _named, _root_cause_choices),
        Dimension(
            "priority",
            _("Priority"),
            "priority",
            (),
            _choice_label(Priority),
            _choices(Priority),
            is_text=False,
        ),
    )
}

# The filters every ticket report takes.
TICKET_FILTERS = ("team", "agent", "product", "organization", "channel", "category")


def filters_q(filters: dict[str, Any], prefix: str = "", allowed: tuple[str, ...] = TICKET_FILTERS) -> Q:
    """The tickets the chosen filters keep (AND of each chosen dimension's value)."""
    q = Q()
    for key, value in filters.items():
        if key in allowed and value not in (None, ""):
            field = f"{prefix}{DIMENSIONS[key].field}"
            if key == "category":  # a parent category keeps its subcategories' tickets too
                q &= Q(**{field: value}) | Q(**{f"{field}__parent": value})
            else:
                q &= Q(**{field: value})
    return q
