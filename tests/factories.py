"""factory_boy factories for the whole suite."""

import factory
from django.utils import timezone

from customers.models import Contact, Organization, Product
from helpdesk.models import Role, Team, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    full_name = factory.Faker("name")
    role = Role.AGENT
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organization {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    class Params:
        with_login = False

    email = factory.Sequence(lambda n: f"contact{n}@customer.test")
    full_name = factory.Faker("name")
    organization = factory.SubFactory(OrganizationFactory)
    created_at = factory.LazyFunction(timezone.now)

    @factory.lazy_attribute
    def user(self):
        if not self.with_login:
            return None
        return UserFactory(email=self.email, role=Role.CUSTOMER, full_name=self.full_name)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Product {n}")
    code = factory.Sequence(lambda n: f"product-{n}")


def make_ticket(
    *, requester: Contact, actor=None, subject: str = "Printer on fire", body: str = "It is on fire.", **kwargs
):
    """A ticket created the way every channel creates one: through the service."""
    from tickets import services

    return services.ticket_open(actor=actor, requester=requester, subject=subject, body=body, **kwargs)
