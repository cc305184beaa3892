"""What the knowledge-base services share: who may write, and unique slugs."""

from django.utils.text import slugify

from helpdesk.permissions import require_admin as _require_admin
from helpdesk.permissions import require_agent as _require_agent

__all__ = ["_require_admin", "_require_agent", "_unique_slug"]


def _unique_slug(model, base: str, *, exclude_pk=None, fallback: str = "item") -> str:
    base = (slugify(base, allow_unicode=True) or fallback)[:70]
    slug, n = base, 2
    taken = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
