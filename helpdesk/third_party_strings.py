"""Text Django's own pages show that its Persian catalogue leaves in English (Django 5.2): listed here
so `makemessages` keeps them in ours, which comes first (LOCALE_PATHS). Never imported; what matters is
that the exact msgids appear in our source."""

from django.utils.translation import gettext_noop, ngettext_lazy

# django.contrib.admin: the notice above a form that did not validate
FORM_ERRORS = ngettext_lazy("Please correct the error below.", "Please correct the errors below.", "count")

# django.contrib.auth.forms: adding a user, changing one or their password, in the admin
PASSWORD_CHOICE = (
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Set password"),
    gettext_noop("Reset password"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    # a user without a usable password (an invited agent), whose Persian said «رمز» where we say «گذرواژه»
    gettext_noop("No password set."),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. "
        "If disabled, they may still be able to authenticate using other backends, "
        "such as Single Sign-On or LDAP."
    ),
    gettext_noop("If disabled, the current password for this user will be lost."),
)

# django.contrib.admin: the index's table heading (read by screen readers), and the "delete selected"
# action, whose Persian doubles the plural ("حذف تیم‌ها های انتخاب شده") and misses a word
ADMIN = (
    gettext_noop("Model name"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and their "
        "related items will be deleted:"
    ),
)

# django.contrib.auth: the password boxes' help and refusals, whose Persian says "type your previous
# password" under "confirm the new password" and mixes «رمز عبور» with the «گذرواژه» used everywhere else
PASSWORDS = (
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
)

# rest_framework.relations: an id that names nothing, whose Persian reads "pk نامعتبر … این Object وجود ندارد"
API = (
    gettext_noop('Invalid pk "{pk_value}" - object does not exist.'),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
)

# Django's refusals whose Persian writes «لطفا» without its tanwin (we write «لطفاً»): the sign-in page's
# wrong password, the admin's staff sign-in and password change, a file box both filled and cleared, and
# the admin's inline forms with the same row twice
PLEASE = (
    gettext_noop("Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."),
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. Note that both fields may be "
        "case-sensitive."
    ),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password twice so we can "
        "verify you typed it in correctly."
    ),
    gettext_noop("Please either submit a file or check the clear checkbox, not both."),
    gettext_noop("Please correct the duplicate data for %(field)s."),
    gettext_noop("Please correct the duplicate data for %(field)s, which must be unique."),
    gettext_noop(
        "Please correct the duplicate data for %(field_name)s which must be unique for the %(lookup)s in "
        "%(date_field)s."
    ),
    gettext_noop("Please correct the duplicate values below."),
)
