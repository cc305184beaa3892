"""Forms of the customer account pages (sign-up, choosing a password, password reset)."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from . import accounts


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Work email address"), max_length=254)


class ChoosePasswordForm(forms.Form):
    """A new password typed twice; the service runs the password validators."""

    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Type it again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset page, but nothing is looked up or mailed in the request: the address goes to
    `accounts.password_reset_request`, which queues the work for a worker whatever the address."""

    def save(self, **kwargs) -> None:
        accounts.password_reset_request(email=self.cleaned_data["email"])
