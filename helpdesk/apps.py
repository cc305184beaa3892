from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk core")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import aggregates, api_support  # noqa: F401 - api_support registers the API schema's token scheme

        connection_created.connect(aggregates.sqlite_functions, dispatch_uid="helpdesk-sqlite-functions")
        from .outbox import alerts, registry

        registry.register_mail(templates=[alerts.FAILED_TEMPLATE], builder=alerts.failed_mail)
