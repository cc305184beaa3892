"""Knowledge-base domain errors (mapped to JSON by helpdesk.exceptions.api_exception_handler)."""

from django.utils.translation import gettext_lazy as _

from helpdesk.exceptions import InvalidTransition


class ArticleInvalidTransition(InvalidTransition):
    """A refused life-cycle move (e.g. draft straight to published): 409 `invalid_transition`."""

    default_detail = _("This article cannot move to that status.")
