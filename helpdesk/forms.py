"""Core forms: sign-in (the login page and the admin's), checked through the sign-in limits; setting a
password (profile, reset link, admin) through `services.user_set_password`; and `add_service_errors`,
the one way a page shows a service's refusal on its form."""

import copy
import uuid

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services, signin
from .exceptions import DomainError, TooManyAttempts
from .text import split_list


class _SharedFields(dict):
    """A form class's fields (share_fields): each form built gets its own copy of those named in
    `per_form`, and the class's own instance of the others."""

    def __init__(self, fields: dict, per_form: frozenset[str]) -> None:
        super().__init__(fields)
        self.per_form = per_form

    def __deepcopy__(self, memo: dict) -> dict:  # BaseForm.__init__: self.fields = deepcopy(base_fields)
        return {name: copy.deepcopy(field, memo) if name in self.per_form else field for name, field in self.items()}


def share_fields(*per_form: str):
    """Class decorator for a form built on every request of a page. Django deep-copies each field of each
    form built, with its widget and its choices (0.3 ms for the ticket list's 15 filters, each request),
    so that a form may change its own. Here only the fields named in `per_form` are copied: those whose
    choices, queryset or widget the form's __init__ or its page set, and those whose widget notes what a
    post held (a file box: ClearableFileInput.checked). The others are the class's own,
    shared by every form of it, and nothing may change them (tests/tickets/test_shared_fields.py
    checks that the forms using this leave them as they were)."""

    def decorate(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
        unknown = set(per_form) - set(form_class.base_fields)
        if unknown:
            raise TypeError(f"{form_class.__name__} has no field {', '.join(sorted(unknown))}")
        form_class.base_fields = _SharedFields(form_class.base_fields, frozenset(per_form))
        return form_class

    return decorate


def add_service_errors(form: forms.BaseForm, exc: ValidationError | DomainError, *, field: str | None = None) -> None:
    """Show a service's refusal on `form`, as the API would name it: a ValidationError's messages for a
    field the form has go onto that field, the rest onto the form itself; a DomainError's detail goes
    onto `field` (e.g. "attachments" for an upload too large), else onto the form itself."""
    if isinstance(exc, DomainError):
        form.add_error(field if field in form.fields else None, str(exc.detail))
    elif hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def service_error_text(exc: ValidationError | DomainError) -> str:
    """A service's refusal as one line, for pages that answer with a message instead of a form."""
    if isinstance(exc, DomainError):
        return str(exc.detail)
    return " ".join(exc.messages)


def form_errors_text(form: forms.BaseForm) -> str:
    """A form's errors as one message above the page, each after its field's label (the message cannot
    point at the field: "This field is required." twice said nothing)."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = " ".join(str(e) for e in errors)
        parts.append(f"{field.label}: {text}" if field is not None and field.label else text)
    return " ".join(parts)


def _new_token() -> str:
    return str(uuid.uuid4())


class FormTokenField(forms.CharField):
    """A hidden token, new each time the form is shown (a form shown again keeps the one posted): with
    a hash of what was written it keys the form's write (tickets.idempotency.once), so a double submit
    or a re-send after a slow answer writes once."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("initial", _new_token)
        super().__init__(**kwargs)


class TagListField(forms.CharField):
    """Tags typed as plain text, separated by commas (, or ،), cleaned to their list (helpdesk.text.split_list);
    a stored list shows as that text again. The admin's "add tags" of routing rules, triggers and macros."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Add tags"))
        kwargs.setdefault("help_text", _("Separated by commas (, or ،)."))
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        return split_list(super().to_python(value))

    def has_changed(self, initial, data) -> bool:
        return self.prepare_value(initial or []) != self.prepare_value(self.to_python(data))


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the password checked by `signin.signin_attempt` (failures counted,
    limits applied). A refused try is a form error saying how long to wait, kept in `throttled`."""

    throttled: TooManyAttempts | None = None

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = signin.signin_attempt(request=self.request, email=email, password=password)
            except TooManyAttempts as exc:
                self.throttled = exc
                raise ValidationError(exc.detail, code="throttled") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin's login form (staff only) under the same limits."""


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The reset link's form: Django's checks, then the one service that sets a password (it also
    revokes the person's API tokens)."""

    def clean(self):
        # What is wrong with the new password (too short, too common) shows under "New password", where it
        # was typed; Django puts it under the confirmation. A mismatch still shows under the confirmation.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)

    def set_password_and_save(self, user, password_field_name="password1", commit=True):  # noqa: S107 (a field name)
        return services.user_set_password(user=user, password=self.cleaned_data[password_field_name])


class PasswordChangeForm(SetPasswordForm, auth_forms.PasswordChangeForm):
    """The profile's "change your password" form (asks for the current one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # one section of the profile among several: it must not take the focus (and scroll) on opening
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """The admin's password form for a user, through the same service."""

    def set_password_and_save(self, user, commit=True, **kwargs):
        usable = self.cleaned_data.get("set_usable_password", True)
        return services.user_set_password(user=user, password=self.cleaned_data["password1"] if usable else None)


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("Which system or script will use it."))
