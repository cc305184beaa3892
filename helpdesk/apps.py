from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk core")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import aggregates, api_support  # noqa: F401 - api_support registers the API schema's token scheme
        from .uploads import keep_joiners_in_upload_names

        keep_joiners_in_upload_names()

        connection_created.connect(aggregates.sqlite_functions, dispatch_uid="helpdesk-sqlite-functions")
        from . import admin_dates, error_numbers

        admin_dates.install()
        error_numbers.install()
        from . import passwords
        from .outbox import alerts, registry

        registry.register_mail(templates=[alerts.FAILED_TEMPLATE], builder=alerts.failed_mail)
        registry.register_mail(templates=[passwords.SET_PASSWORD_TEMPLATE], builder=passwords.set_password_mail)

        # The profile's list of signed-in sessions: a row at every sign-in (the page, the admin, single
        # sign-on), gone at sign-out. Django's own signals are the one place every sign-in passes.
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        user_logged_in.connect(_session_signed_in, dispatch_uid="helpdesk_session_signed_in")
        user_logged_out.connect(_session_signed_out, dispatch_uid="helpdesk_session_signed_out")


def _session_signed_in(sender, request, user, **kwargs):
    from .security import sessions

    if request is not None and hasattr(request, "session"):
        sessions.session_record(request=request, user=user)


def _session_signed_out(sender, request, user, **kwargs):
    from .security import sessions

    if request is not None and hasattr(request, "session"):
        sessions.session_forget(session_key=request.session.session_key)
