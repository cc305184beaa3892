"""Small template helpers for the agent workspace."""

from html import escape as _escape

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from helpdesk.templatetags.helpdesk import query_with

register = template.Library()


@register.simple_tag
def attachment_url(attachment) -> str:
    """The download link of an attachment, or "" while the download endpoint does not exist."""
    try:
        return reverse("api-attachment-download", args=[attachment.pk])
    except NoReverseMatch:
        return ""


# {% query_with %} for the agent templates that load this library (one function, in helpdesk's tags)
register.simple_tag(query_with, takes_context=True)


@register.simple_tag
def plain_select(field) -> SafeString:
    """A form field's single-choice <select> without option groups, every option in one pass.

    Django renders a template per option, and the agent pickers have one option per agent; this writes
    the markup tickets/agent/tickets.html had in a template loop, values and labels escaped alike.
    """
    value = field.value()
    selected = "" if value is None else str(value)
    invalid = f' aria-invalid="true" aria-describedby="{escape(field.auto_id)}_error"' if field.errors else ""
    options = "".join(
        f'\n  <option value="{_escape(str(choice))}"{" selected" if choice == selected else ""}>{_escape(str(label))}</option>'
        for choice, label in field.field.choices
    )
    html = f'<select name="{escape(field.html_name)}"{invalid} id="{escape(field.auto_id)}">{options}\n</select>'
    return mark_safe(html)  # noqa: S308 (every value in it is escaped)
