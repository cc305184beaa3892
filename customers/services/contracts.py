"""Products and the service contracts that cover them."""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from customers import rules
from customers.models import (
    Contact,
    Organization,
    Product,
    ServiceContract,
    SlaPolicy,
)
from customers.services.common import _apply, _delete, _raise_if, _required_text

PRODUCT_FIELDS = ("name", "name_fa", "code", "description", "policy_text", "policy_text_fa", "is_active")


def product_errors(product: Product) -> dict[str, str]:
    """What is wrong with an unsaved product."""
    errors = _required_text(product.name, "name") | _required_text(product.code, "code")
    if "code" not in errors and Product.objects.filter(code=product.code).exclude(pk=product.pk).exists():
        errors["code"] = _("Another product already uses this code.")
    return errors


def _product_save(product: Product) -> Product:
    product.name, product.name_fa = product.name.strip(), product.name_fa.strip()
    product.code = product.code.strip().lower()
    _raise_if(product_errors(product))
    product.save()
    return product


def product_create(
    *,
    name: str,
    code: str,
    name_fa: str = "",
    description: str = "",
    policy_text: str = "",
    policy_text_fa: str = "",
    is_active: bool = True,
) -> Product:
    """Create a product or service; its code is unique."""
    return _product_save(
        Product(
            name=name,
            name_fa=name_fa,
            code=code,
            description=description,
            policy_text=policy_text,
            policy_text_fa=policy_text_fa,
            is_active=is_active,
        )
    )


def product_update(*, product: Product, data: Mapping[str, Any]) -> Product:
    """Change the given fields of a product."""
    _apply(product, data, PRODUCT_FIELDS)
    return _product_save(product)


def product_delete(*, product: Product) -> None:
    """Delete a product no contract or ticket mentions; otherwise InUse (retire it with is_active)."""
    _delete(product, owned=set())


# --- contracts --------------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "name",
    "organization",
    "contact",
    "sla_policy",
    "valid_from",
    "valid_to",
    "annual_value",
    "hours_bank",
    "notes",
)


def contract_errors(contract: ServiceContract) -> dict[str, str]:
    """What is wrong with an unsaved contract: no customer, or dates out of order."""
    return _required_text(contract.name, "name") | rules.contract_errors(
        organization=contract.organization,
        contact=contract.contact,
        valid_from=contract.valid_from,
        valid_to=contract.valid_to,
    )


def _contract_save(contract: ServiceContract, products: Iterable[Product] | None) -> ServiceContract:
    contract.name = contract.name.strip()
    _raise_if(contract_errors(contract))
    with transaction.atomic():
        contract.save()
        if products is not None:
            contract.products.set(products)
    return contract


def contract_create(
    *,
    name: str,
    sla_policy: SlaPolicy,
    valid_from: date,
    organization: Organization | None = None,
    contact: Contact | None = None,
    valid_to: date | None = None,
    products: Iterable[Product] = (),
    notes: str = "",
    annual_value: Decimal | None = None,
    hours_bank: Decimal | None = None,
) -> ServiceContract:
    """Create a contract for an organization or a contact (one is required); valid_to ≥ valid_from;
    `hours_bank`: the support hours it includes (agents' time on its tickets counts against them)."""
    contract = ServiceContract(
        name=name,
        organization=organization,
        contact=contact,
        sla_policy=sla_policy,
        valid_from=valid_from,
        valid_to=valid_to,
        annual_value=annual_value,
        hours_bank=hours_bank,
        notes=notes,
    )
    return _contract_save(contract, list(products))


def contract_update(*, contract: ServiceContract, data: Mapping[str, Any]) -> ServiceContract:
    """Change the given fields; `products`, when given, replaces the covered products."""
    data = dict(data)
    products = data.pop("products", None)
    _apply(contract, data, CONTRACT_FIELDS)
    return _contract_save(contract, products)


def contract_delete(*, contract: ServiceContract) -> None:
    """Delete a contract (tickets that used it keep their SLA times and lose the link)."""
    with transaction.atomic():
        contract.delete()
