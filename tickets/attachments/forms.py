"""The one form field for attachments, used by the agent workspace and the customer portal."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpdesk import dates
from helpdesk.uploads import megabytes
from tickets.attachments.store import IncomingFile

MAX_FILES = 10  # files in one form post (the API takes up to tickets.api.serializers.MAX_ATTACHMENTS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input, each checked against the attachment size limit before anything is
    written, cleaned to the IncomingFile values the services take."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [f for f in (super(MultipleFileField, self).clean(one, initial) for one in files) if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(dates.fill(_("Attach at most %(n)s files at once."), {"n": MAX_FILES}))
        limit = settings.HELPDESK_MAX_ATTACHMENT_BYTES
        for f in files:
            if f.size > limit:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than the limit of %(mb)s MB.") % {"name": f.name, "mb": megabytes(limit)}
                )
        return [IncomingFile(name=f.name, content=f, content_type=getattr(f, "content_type", "") or "") for f in files]
