"""The one form field for attachments, used by the agent workspace and the customer portal."""

from typing import ClassVar

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from helpdesk import dates
from helpdesk.uploads import megabytes
from tickets.attachments import pending
from tickets.attachments.store import IncomingFile, blocked_extensions, blocked_type_message, file_refusal

MAX_FILES = 10  # files in one form post (the API takes up to tickets.api.serializers.MAX_ATTACHMENTS)


class MultipleFileInput(forms.ClearableFileInput):
    """Several files, in the product's file box (tickets/_file_box.html): a label in the page's language
    opens the browser's box, visually hidden, and the chosen names are listed under it (their element
    describes the box). It names the upload limits (settings, read when drawn) and what to say past them,
    so the browser stops a send over them before a byte leaves and nothing typed is lost (static/js/app.js)."""

    template_name = "tickets/_file_box.html"
    allow_multiple_selected = True
    MAX_KEPT = 200
    _drawn: ClassVar[dict[tuple, str]] = {}

    def render(self, name, value, attrs=None, renderer=None):
        """The box as drawn: a file input shows no value, so what it writes follows from its name, its
        attributes, the language, the upload limits and the renderer alone. Drawn once per those in this
        process (the template and the limits' sentences cost 0.2 ms a page), then written as kept."""
        limits = (
            settings.HELPDESK_MAX_ATTACHMENT_BYTES,
            settings.HELPDESK_MAX_UPLOAD_BYTES,
            tuple(settings.HELPDESK_BLOCKED_FILE_EXTENSIONS),
        )
        key = (name, repr(sorted({**self.attrs, **(attrs or {})}.items())), get_language(), limits, type(renderer))
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = super().render(name, value, attrs, renderer)
            if len(self._drawn) >= self.MAX_KEPT:
                self._drawn.clear()
            self._drawn[key] = drawn
        return drawn

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, {**(attrs or {}), **upload_limit_attrs()})
        attrs = context["widget"]["attrs"]
        attrs.setdefault("id", f"id_{name}")  # the label and the names refer to it
        described = (attrs.get("aria-describedby"), f"{attrs['id']}_names")
        attrs["aria-describedby"] = " ".join(part for part in described if part)
        # written once here: the template's loop over them (attrs.html) was most of the box's 1 ms
        context["widget"]["attrs_html"] = flatatt(attrs)
        return context


def upload_limit_attrs() -> dict[str, str]:
    """The file box's attributes naming the upload limits and what to say past them (static/js/app.js)."""
    file_limit, total_limit = settings.HELPDESK_MAX_ATTACHMENT_BYTES, settings.HELPDESK_MAX_UPLOAD_BYTES
    # `%(name)s` is left for the script to fill with the file's name.
    too_large = _("“%(name)s” is larger than the limit of %(mb)s MB.") % {
        "name": "%(name)s",
        "mb": megabytes(file_limit),
    }
    too_much = _(
        "These files together are larger than the limit of %(mb)s MB. Remove some, or send them in several messages."
    ) % {"mb": megabytes(total_limit)}
    # The file types no channel accepts (tickets.attachments.store.blocked_extension), checked by the same rule.
    blocked_type = blocked_type_message(name="%(name)s", extension="%(extension)s")
    blocked = sorted(blocked_extensions())
    return {
        "data-blocked-extensions": " ".join(blocked),
        "data-blocked-type": str(blocked_type),
        "data-max-file-bytes": str(file_limit),
        "data-max-total-bytes": str(total_limit),
        "data-too-large": str(too_large),
        "data-too-much": str(too_much),
    }


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
        for f in files:
            if refusal := file_refusal(f):
                raise forms.ValidationError(refusal)
        return [IncomingFile(name=f.name, content=f, content_type=getattr(f, "content_type", "") or "") for f in files]


class KeptIdsField(forms.Field):
    """The ids of kept uploads a form posts (`kept`, one per ticked file); anything not a number is dropped."""

    widget = forms.MultipleHiddenInput

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else []
        return [int(v) for v in values[:MAX_FILES] if str(v).isdigit() and len(str(v)) < 19]


EMPTY_MESSAGE = _("Write a message or attach a file.")


class KeptFilesForm(forms.Form):
    """A reply form whose files survive a refusal (tickets.attachments.pending): shown again, it lists
    the files kept for its sender, each ticked to go with the next send (`kept`); sent, they are its
    first attachments. `user` is the sender: only their own kept uploads are ever found. Its `body`
    (optional) may be empty when a file goes with it, not otherwise."""

    kept = KeptIdsField(required=False)
    kept_offered = KeptIdsField(required=False)  # every kept file the form listed, ticked or not

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kept_uploads: list = []

    def clean(self):
        data = super().clean()
        if self.user is not None:
            self.kept_uploads = pending.pending_uploads_for(
                user=self.user, ids=data.get("kept") or [], now=timezone.now()
            )
        if "attachments" in data:  # the new files passed their checks
            if len(self.kept_uploads) + len(data["attachments"]) > MAX_FILES:
                self.add_error("attachments", dates.fill(_("Attach at most %(n)s files at once."), {"n": MAX_FILES}))
            else:
                data["attachments"] = pending.pending_incoming(self.kept_uploads) + data["attachments"]
        # A file alone is a message (a phone user sends a photo); neither text nor file is refused, as
        # tickets.services.conversation refuses it on every channel.
        if "body" in self.fields and not (data.get("body") or "").strip() and not data.get("attachments"):
            self.add_error("body", EMPTY_MESSAGE)
        return data

    def keep_files(self) -> None:
        """The form is shown again with an error: its valid new files are kept beside those it had."""
        if self.is_bound and self.user is not None:
            room = MAX_FILES - len(self.kept_uploads)
            files = self.files.getlist("attachments") if hasattr(self.files, "getlist") else []
            self.kept_uploads += pending.pending_uploads_keep(user=self.user, files=files, room=room)
            self._drop_unticked()

    def kept_attached(self) -> None:
        """The message carrying the kept files was stored: they are deleted with its transaction, and
        so are those the sender unticked."""
        pending.pending_uploads_attached(uploads=self.kept_uploads)
        self._drop_unticked()

    def _drop_unticked(self) -> None:
        data = getattr(self, "cleaned_data", {})
        unticked = set(data.get("kept_offered") or []) - set(data.get("kept") or [])
        if self.user is not None and unticked:
            pending.pending_uploads_dropped(user=self.user, ids=unticked)

    def files_key(self) -> list[str]:
        """The files of this post as the once-key counts them: kept ids posted, new files' names and sizes."""
        new = self.files.getlist("attachments") if hasattr(self.files, "getlist") else []
        return [f"kept:{pk}" for pk in self.cleaned_data.get("kept") or []] + [f"{f.name}\0{f.size}" for f in new]
