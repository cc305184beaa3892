"""Django's static template library, with `{% static "literal" %}` asked of the storage once per process.

Django's StaticNode asks the storage for a file's address on every render (9 µs a tag without the
manifest, a lookup in it with one), and every page prints five to seven. For a literal path with no
filters the address depends on nothing but the storage (its manifest, STATIC_URL), so KeptStaticNode
keeps the address with the storage it came from: when a setting changes the storage (Django makes a new
one when STORAGES, STATIC_ROOT or STATIC_URL change: a test's override_settings, say), the next render
asks the new one. A variable path is Django's node as it is.

TEMPLATES has this library as a builtin in place of Django's (helpdesk/settings.py), as it has
i18n_cached for Django's i18n; a template that writes `{% load static %}` gets Django's own.
"""

from django import template
from django.apps import apps
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags import static as django_static
from django.utils.functional import empty

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)


class KeptStaticNode(django_static.StaticNode):
    """A static file's address, looked up once per storage when its path is a literal."""

    def __init__(self, varname=None, path=None):
        super().__init__(varname=varname, path=path)
        self.literal = isinstance(path.var, str) and not path.filters
        self.kept: tuple[object, str] | None = None

    def url(self, context) -> str:
        if not self.literal or not apps.is_installed("django.contrib.staticfiles"):
            return super().url(context)
        storage = staticfiles_storage._wrapped
        if self.kept is not None and storage is not empty and self.kept[0] is storage:
            return self.kept[1]
        address = super().url(context)
        self.kept = (staticfiles_storage._wrapped, address)
        return address


@register.tag("static")
def do_static(parser, token):
    """{% static "path" %}: Django's tag (django.templatetags.static.do_static), its address kept."""
    return KeptStaticNode.handle_token(parser, token)
