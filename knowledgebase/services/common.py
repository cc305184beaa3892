"""What the knowledge-base services share: who may write, and unique slugs."""

from django.core.exceptions import PermissionDenied
from django.utils.text import slugify


def _require_agent(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_agent:
        raise PermissionDenied


def _require_admin(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_admin:
        raise PermissionDenied


def _unique_slug(model, base: str, *, exclude_pk=None, fallback: str = "item") -> str:
    base = (slugify(base, allow_unicode=True) or fallback)[:70]
    slug, n = base, 2
    taken = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
