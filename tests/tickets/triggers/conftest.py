import pytest

from tests.tickets.conftest import contact_of
from tickets.models import TimedRule, Trigger


@pytest.fixture
def trigger(admin_user):
    """trigger(name=…, events=[…], conditions=[…], set_priority=…, …): saved through the service, as the admin."""
    from tickets.triggers import rules

    def _trigger(**fields):
        fields.setdefault("name", "Trigger")
        fields.setdefault("events", ["created"])
        return rules.automation_create(actor=admin_user, model=Trigger, **fields)

    return _trigger


@pytest.fixture
def timed_rule(admin_user):
    from tickets.triggers import rules

    def _rule(**fields):
        fields.setdefault("name", "Timed")
        return rules.automation_create(actor=admin_user, model=TimedRule, **fields)

    return _rule


@pytest.fixture
def requester(customer):
    return contact_of(customer)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what is queued for after the commit (the triggers), as a real commit would."""

    def _run():
        return django_capture_on_commit_callbacks(execute=True)

    return _run
