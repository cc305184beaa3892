"""Names that records carry, in both languages the product ships in.

Teams, products, SLA policies, calendars and holidays have `name` (English, required) and `name_fa`
(Persian, optional). A reader sees the name in the active language, and the other one when it has
none, so a Persian page never says "Second-line support" once an admin has named the team in Persian.
"""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext


def name_in_language(name: str, name_fa: str, language: str | None = None) -> str:
    """The name a reader of `language` (default: the active language) sees."""
    language = language or get_language() or settings.LANGUAGE_CODE
    if language.startswith("fa"):
        return name_fa or name
    return name or name_fa


class NamedInLanguages:
    """For models with `name` and `name_fa`: `display_name`, the name in the active language (their
    str() returns it)."""

    name: str
    name_fa: str

    @property
    def display_name(self) -> str:
        return name_in_language(self.name, self.name_fa)


def site_name() -> str:
    """The product's one name in the active language: HELPDESK_SITE_NAME(_FA), else "Helpdesk"."""
    return name_in_language(settings.HELPDESK_SITE_NAME, settings.HELPDESK_SITE_NAME_FA) or gettext("Helpdesk")


site_name_lazy = lazy(site_name, str)


def site_context(request) -> dict:
    """Template context processor: `product_name` on every page (Django's sign-in and password views
    set their own `site_name`, the host)."""
    return {"product_name": site_name_lazy()}
