"""Django's own admin text that its Persian catalogue leaves in English reads in Persian here
(helpdesk/third_party_strings.py lists it for ours)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def persian_admin(client, admin_user):
    admin_user.language = "fa"
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    return client


def test_adding_a_user_reads_in_persian(persian_admin):
    page = persian_admin.get("/admin/helpdesk/user/add/").content.decode()
    assert "ورود با گذرواژه" in page and "غیرفعال" in page
    assert "Password-based authentication" not in page and "Single Sign-On or LDAP" not in page


def test_a_form_that_did_not_validate_says_so_in_persian(persian_admin):
    page = persian_admin.post("/admin/helpdesk/user/add/", {"email": "not an address"}).content.decode()
    assert "لطفاً خطا" in page and "Please correct the error" not in page
