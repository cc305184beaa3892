"""Template helpers for the customer portal and the mails that link to it."""

from django import template
from django.urls import NoReverseMatch, reverse

from tickets import ratings
from tickets.portal.rows import portal_rows_html

register = template.Library()


@register.simple_tag
def portal_attachment_url(attachment) -> str:
    """The permission-checked download link of an attachment; "" while that endpoint is missing."""
    try:
        return reverse("api-attachment-download", args=[attachment.pk])
    except NoReverseMatch:
        return ""


@register.simple_tag
def portal_rating_url(ticket, score) -> str:
    """The path of a one-click rating link for the "solved" mail: {{ site_url }}{% portal_rating_url ticket 5 %}."""
    return ratings.rating_link_path(ticket=ticket, score=int(score))


@register.simple_tag(takes_context=True)
def portal_rows(context, rows, empty_text, show_rating=False):
    """A list of requests (tickets.portal.rows): {% portal_rows home.open_rows empty_text %}."""
    return portal_rows_html(rows, empty_text=empty_text, contact=context.get("contact"), show_rating=show_rating)
