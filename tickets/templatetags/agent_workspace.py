"""Small template helpers for the agent workspace."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def attachment_url(attachment) -> str:
    """The download link of an attachment, or "" while the download endpoint does not exist."""
    try:
        return reverse("api-attachment-download", args=[attachment.pk])
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" drops one); for tabs, sorts, pages."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    if "page" not in changes:
        params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
