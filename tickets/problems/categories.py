"""Every write to the category tree (administrators only; the API and the admin call these). The
two-level rule is Category.clean's, checked here on every save."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from helpdesk.exceptions import Conflict
from helpdesk.models import User
from helpdesk.permissions import require_admin
from tickets.models import Category

CATEGORY_FIELDS = ("name", "name_fa", "parent", "is_active", "position")


def _save(category: Category) -> Category:
    category.name = (category.name or "").strip()
    category.name_fa = (category.name_fa or "").strip()
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def category_create(*, actor: User, **fields: Any) -> Category:
    """A new category, top-level or under a top-level one; ValidationError naming the field otherwise."""
    require_admin(actor)
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    return _save(Category(**fields))


@transaction.atomic
def category_update(*, actor: User, category: Category, changes: Mapping[str, Any]) -> Category:
    require_admin(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    for name in CATEGORY_FIELDS:
        if name in changes:
            setattr(category, name, changes[name])
    return _save(category)


def category_delete(*, actor: User, category: Category) -> None:
    """Delete an unused category; one that tickets, rules or subcategories use is a 409 (deactivate it)."""
    require_admin(actor)
    try:
        with transaction.atomic():
            category.delete()
    except ProtectedError as exc:
        raise Conflict(
            _("This category is in use (tickets, subcategories or routing rules): make it inactive instead."),
            code="in_use",
        ) from exc
