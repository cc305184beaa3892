"""django-otp's two apps (INSTALLED_APPS names these configs), with names people read in the admin.

django-otp names its apps by their labels ("Otp_Totp") and its models and fields in English text that
is never translated; here they get translatable names, set once the models are loaded. Only what the
admin shows changes: app labels, tables and migrations stay django-otp's own (a field's verbose_name
set here is not the one its migrations record).
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig

# The fields the admin's device lists show and filter by (django_otp.models.Device, TimestampMixin).
_DEVICE_FIELDS = {
    "user": _("user"),
    "name": _("name"),
    "confirmed": _("confirmed"),
    "created_at": _("created at"),
    "last_used_at": _("last used at"),
}


def _name(label: str, model_name: str, singular, plural) -> None:
    meta = apps.get_model(label, model_name)._meta
    meta.verbose_name, meta.verbose_name_plural = singular, plural
    for field in meta.get_fields():
        if field.name in _DEVICE_FIELDS:
            field.verbose_name = _DEVICE_FIELDS[field.name]


class TOTPConfig(TOTPDefaultConfig):
    verbose_name = _("Two-factor sign-in: authenticator apps")

    def ready(self):
        _name(self.label, "TOTPDevice", _("authenticator app"), _("authenticator apps"))


class StaticConfig(StaticDefaultConfig):
    verbose_name = _("Two-factor sign-in: recovery codes")

    def ready(self):
        _name(self.label, "StaticDevice", _("recovery code set"), _("recovery code sets"))
