from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        # Account mail goes through the outbox below: tell it how each template is written.
        from customers import accounts
        from helpdesk.outbox import registry
        from helpdesk.outbox.sending import plain_mail

        registry.register_mail(templates=accounts.PLAIN_TEMPLATES, builder=plain_mail)
        registry.register_mail(templates=[accounts.RESET_TEMPLATE], builder=accounts.password_reset_mail)
        registry.register_mail(templates=[accounts.SIGNUP_TEMPLATE], builder=accounts.signup_mail)
        from customers.services import privacy

        registry.register_mail(templates=privacy.ERASURE_TEMPLATES, builder=privacy.erasure_mail)

        # A customer renaming their login (helpdesk's profile page) renames their contact.
        from customers.services.contacts import contact_login_renamed
        from helpdesk.signals import user_renamed

        user_renamed.connect(contact_login_renamed, dispatch_uid="customers-contact-login-renamed")
