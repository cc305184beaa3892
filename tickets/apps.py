from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        # Plug tickets into the outbox below it: the mail of ticket templates, the events webhooks
        # may subscribe to and their payload (helpdesk.outbox.registry).
        from helpdesk.outbox import registry
        from tickets import notifications, webhooks
        from tickets.feedback import webhooks as feedback_webhooks
        from tickets.opportunities import notifications as opportunity_notifications
        from tickets.opportunities import webhooks as opportunity_webhooks
        from tickets.routing import failures
        from tickets.triggers import failures as trigger_failures
        from tickets.triggers import hook, runner

        registry.register_mail(templates=notifications.TICKET_TEMPLATES, builder=notifications.ticket_mail)
        registry.register_mail(templates=[failures.FAILED_TEMPLATE], builder=failures.failed_mail)
        registry.register_mail(templates=[trigger_failures.TEMPLATE], builder=failures.failed_mail)
        # Triggers run after the commit of every change that records an event they fire on.
        hook.connect(runner.triggers_run)
        registry.register_webhook_events(webhooks.event_choices)
        registry.register_webhook_payload(prefix=webhooks.PREFIX, builder=webhooks.ticket_payload)
        # Product feedback and sales opportunities: their webhook events and the mail to sales.
        registry.register_webhook_events(feedback_webhooks.event_choices)
        registry.register_webhook_payload(prefix=feedback_webhooks.PREFIX, builder=feedback_webhooks.feedback_payload)
        registry.register_webhook_events(opportunity_webhooks.event_choices)
        registry.register_webhook_payload(
            prefix=opportunity_webhooks.PREFIX, builder=opportunity_webhooks.opportunity_payload
        )
        registry.register_mail(
            templates=opportunity_notifications.TEMPLATES, builder=opportunity_notifications.opportunity_mail
        )
        # Open tickets follow an SLA policy or calendar an admin changes (recomputed by the next sweep),
        # open referrals those and their team's target and calendar link.
        from helpdesk.signals import sla_terms_changed
        from tickets import tasks

        sla_terms_changed.connect(tasks.sla_terms_changed, dispatch_uid="tickets-sla-terms")
        # Ticket search indexes requester and organization names: a rename rebuilds their tickets' words.
        from helpdesk.signals import search_names_changed

        search_names_changed.connect(tasks.search_names_changed, dispatch_uid="tickets-search-names")
