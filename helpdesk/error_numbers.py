"""Numbers in Django's validation messages as the reader writes them: Persian digits in fa.

Django fills a ValidationError's params into its message when the message is read (forms, the API's
error handler, service_error_text all read it through ValidationError.__iter__). `install()`
(HelpdeskConfig.ready) has that one step use helpdesk.dates.fill in fa, so Django's own refusals ("at
most 200 characters", "less than or equal to 5") get Persian digits like ours, while a value someone
typed that a message quotes keeps its digits. Other languages keep Django's own formatting.
"""

from django.core.exceptions import ValidationError
from django.utils import translation

from . import dates

_django_iter = ValidationError.__iter__


def _iter(self):
    if hasattr(self, "error_dict") or translation.get_language() != "fa":
        yield from _django_iter(self)
        return
    for error in self.error_list:
        if isinstance(error.params, dict) and error.params:
            yield str(dates.fill(error.message, error.params))
        else:
            yield from _django_iter(error)


def install() -> None:
    """Route the reading of every ValidationError's message through _iter (idempotent)."""
    ValidationError.__iter__ = _iter
