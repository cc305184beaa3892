"""The macro admin's "add tags" is plain text separated by commas, as for routing rules and triggers
(helpdesk.forms.TagListField), stored as the list it always was."""

import pytest

from tickets.models import Macro

pytestmark = pytest.mark.django_db

FORM = {"name": "Ask for logs", "body": "Please send the logs.", "usage_count": "0", "is_active": "on"}


def test_the_admin_saves_plain_comma_separated_tags_as_a_list(client, admin_user):
    client.force_login(admin_user)
    answer = client.post("/admin/tickets/macro/add/", {**FORM, "add_tags": "logs-requested، Waiting , logs-requested"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Macro.objects.get(name="Ask for logs").add_tags == ["logs-requested", "waiting"]


def test_the_admin_shows_a_macros_tags_as_the_text_it_takes(client, admin_user):
    macro = Macro.objects.create(owner=admin_user, name="x", body="y", add_tags=["logs-requested", "vip"])
    client.force_login(admin_user)
    page = client.get(f"/admin/tickets/macro/{macro.pk}/change/").content.decode()
    assert 'value="logs-requested, vip"' in page


def test_a_macro_without_tags_saves_an_empty_list(client, admin_user):
    client.force_login(admin_user)
    assert client.post("/admin/tickets/macro/add/", {**FORM, "add_tags": ""}).status_code == 302
    assert Macro.objects.get(name="Ask for logs").add_tags == []
