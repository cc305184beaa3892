"""What an administrator sees of someone's two-factor sign-in (issue 17): the devices, to reset them,
never their secret, QR code or recovery codes, and no way to add a device (a secret) for someone else."""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice

from tests.helpdesk.twofactor_support import give_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_the_device_page_shows_no_secret_and_no_qr_code(admin_client, agent):
    device = give_two_factor(agent)
    response = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"authenticator ({agent})" in html  # the page is the device's
    assert device.key not in html
    assert "qrcode" not in html
    listing = admin_client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert "qrcode" not in listing and device.key not in listing


@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_the_qr_code_and_configuration_views_are_refused(admin_client, agent, view):
    device = give_two_factor(agent)
    response = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/")
    assert response.status_code == 403
    assert device.config_url.encode() not in response.content


def test_recovery_codes_are_not_listed(admin_client, agent):
    give_two_factor(agent, recovery=("recovercode77", "recovercode88"))
    static = StaticDevice.objects.get(user=agent)
    html = admin_client.get(f"/admin/otp_static/staticdevice/{static.pk}/change/").content.decode()
    assert static.name in html
    assert "recovercode77" not in html and "recovercode88" not in html


@pytest.mark.parametrize("model", ["otp_totp/totpdevice", "otp_static/staticdevice"])
def test_an_administrator_cannot_add_a_device_for_someone(admin_client, model):
    assert admin_client.get(f"/admin/{model}/add/").status_code == 403


def test_deleting_the_device_is_the_reset(admin_client, agent):
    device = give_two_factor(agent)
    response = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not type(device).objects.filter(pk=device.pk).exists()
