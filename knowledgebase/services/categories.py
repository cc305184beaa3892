"""Categories: create, update, delete (a category never becomes its own ancestor)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from knowledgebase.models import (
    Category,
)
from knowledgebase.services.common import _require_agent, _unique_slug


def _check_category_parent(*, category: Category | None, parent: Category | None) -> None:
    if parent is None:
        return
    if parent.parent_id is not None:
        raise ValidationError({"parent": _("Sub-categories cannot have sub-categories of their own.")})
    if category is not None and category.pk:
        if parent.pk == category.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})
        if category.children.exists():
            raise ValidationError({"parent": _("A category with sub-categories cannot become a sub-category.")})


def category_create(
    *,
    actor,
    name: str,
    description: str = "",
    parent: Category | None = None,
    order: int = 0,
    language: str = "",
    slug: str = "",
) -> Category:
    """A new category (or sub-category, one level deep)."""
    _require_agent(actor)
    _check_category_parent(category=None, parent=parent)
    if slug and Category.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("This slug is already used.")})
    category = Category(
        name=name,
        description=description,
        parent=parent,
        order=order,
        language=language,
        slug=slug or _unique_slug(Category, name, fallback="category"),
    )
    category.full_clean()
    category.save()
    return category


def category_update(*, actor, category: Category, **fields) -> Category:
    """Change name, description, parent, order, language or slug."""
    _require_agent(actor)
    if "parent" in fields:
        _check_category_parent(category=category, parent=fields["parent"])
    if fields.get("slug") and Category.objects.exclude(pk=category.pk).filter(slug=fields["slug"]).exists():
        raise ValidationError({"slug": _("This slug is already used.")})
    for name, value in fields.items():
        setattr(category, name, value)
    category.full_clean()
    category.save()
    return category


def category_delete(*, actor, category: Category) -> None:
    """Delete an empty category; its articles would otherwise lose their place silently."""
    _require_agent(actor)
    if category.children.exists() or category.articles.exists():
        raise ValidationError(_("Only an empty category can be deleted."))
    category.delete()
