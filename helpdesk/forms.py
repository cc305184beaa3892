"""Core forms: sign-in (the login page and the admin's), checked through the sign-in limits."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from . import signin
from .exceptions import TooManyAttempts


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
