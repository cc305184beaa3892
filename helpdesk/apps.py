from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk core")

    def ready(self):
        from . import api_support  # noqa: F401 - registers the API schema's token scheme
        from .outbox import alerts, registry

        registry.register_mail(templates=[alerts.FAILED_TEMPLATE], builder=alerts.failed_mail)
