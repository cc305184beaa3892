"""The Persian demo people work in Tehran: their times show there, not in the site's default (UTC)."""

import pytest

from customers.models import Contact
from helpdesk.models import User

pytestmark = pytest.mark.django_db


def test_the_persian_demo_people_work_in_tehran():
    from customers import demo as customers_demo
    from helpdesk import demo as core_demo

    core_demo.load()
    customers_demo.load()
    zones = dict(User.objects.filter(language="fa").values_list("email", "time_zone"))
    assert zones and set(zones.values()) == {"Asia/Tehran"}, zones
    assert set(User.objects.exclude(language="fa").values_list("time_zone", flat=True)) == {""}
    assert Contact.objects.get(email="sara@parsian.example.org").time_zone == "Asia/Tehran"
