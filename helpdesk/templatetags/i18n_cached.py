"""Django's i18n template library, with `{% translate "literal" %}` rendered once per language.

Django's TranslateNode looks a literal up and renders it again on every render (the catalogue, the
percent-sign round trip, the value-in-context checks): 5-15 µs a tag, and a ticket page renders about
a hundred of them. What it writes for a literal with no filters and no context depends on nothing but
the active language, so CachedTranslateNode keeps each language's output after Django's own node has
rendered it the first time (the same text, safe as Django marks it). Everything else (filters,
variables, `context`, `noop`, `blocktranslate`) is Django's node as it is.

TEMPLATES has this library as a builtin in place of Django's i18n (helpdesk/settings.py), so our
templates use its tags without loading anything (`{% load i18n %}` would put Django's own back over
it); `makemessages` reads them as before. Django's admin templates load Django's library.
"""

from django import template
from django.template.base import Node, Variable
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


class CachedTranslateNode(Node):
    """A literal's translation, rendered by Django's node once per language and kept."""

    child_nodelists = ()

    def __init__(self, node: django_i18n.TranslateNode):
        self.node = node
        self.by_language: dict[str | None, str] = {}

    def render(self, context) -> str:
        language = get_language()
        value = self.by_language.get(language)
        if value is None:
            value = self.node.render(context)
            if self.node.asvar:
                value = context[self.node.asvar]
            self.by_language[language] = value
        elif self.node.asvar:
            context[self.node.asvar] = value
        if self.node.asvar:
            return ""
        return value


def _literal(node: Node) -> bool:
    """A translate tag of one string literal, nothing resolved at render time."""
    if not isinstance(node, django_i18n.TranslateNode) or node.noop or node.message_context is not None:
        return False
    expression = node.filter_expression
    var = expression.var
    return not expression.filters and isinstance(var, Variable) and isinstance(var.literal, str)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token) -> Node:
    node = django_i18n.do_translate(parser, token)
    return CachedTranslateNode(node) if _literal(node) else node
