"""Template helpers for the customer portal and the mails that link to it."""

from django import template
from django.urls import NoReverseMatch, reverse

from tickets import ratings

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
