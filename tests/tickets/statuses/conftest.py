import pytest

from tickets.models import CustomStatus, Status


@pytest.fixture
def custom(db):
    """custom(name=…, base_status=…, teams=[…], …): a custom status, made directly (the admin's service
    has its own tests)."""

    def _custom(name="Visit scheduled", base_status=Status.ON_HOLD, teams=(), **fields):
        made = CustomStatus.objects.create(name=name, base_status=base_status, **fields)
        made.teams.set(teams)
        return made

    return _custom


@pytest.fixture
def visit(custom):
    return custom(
        name="Visit scheduled",
        name_fa="بازدید زمان‌بندی شد",
        customer_name="A technician visit is scheduled",
        customer_name_fa="بازدید کارشناس زمان‌بندی شده است",
    )


@pytest.fixture
def fix(custom):
    return custom(name="Waiting for a fix", base_status=Status.PENDING)
