"""Forms whose fields are shared between the forms built from them (helpdesk.forms.share_fields): each
form still gets its own copy of the fields it changes, and no page changes a shared one."""

import copy

import pytest
from django import forms
from django.urls import get_resolver, reverse

from helpdesk.forms import _SharedFields, share_fields
from tickets.services.edit import ticket_update
from tickets.workspace.forms import TicketFilterForm
from tickets.workspace.ticket_forms import ReplyForm

pytestmark = pytest.mark.django_db


class _Example(forms.Form):
    name = forms.CharField(max_length=10)
    colour = forms.ChoiceField(choices=[("red", "Red")])


def test_each_form_copies_only_the_fields_it_may_change():
    shared = share_fields("colour")(type("Shared", (_Example,), {}))
    one, two = shared(), shared()
    assert one.fields["name"] is two.fields["name"] is shared.base_fields["name"]
    assert one.fields["colour"] is not two.fields["colour"]
    one.fields["colour"].choices = [("blue", "Blue")]
    assert [value for value, _label in two.fields["colour"].choices] == ["red"]
    assert [value for value, _label in shared().fields["colour"].choices] == ["red"]
    one.fields["extra"] = forms.CharField()  # a form's own fields are its own dict
    assert "extra" not in two.fields and "extra" not in shared.base_fields


def test_a_field_name_the_form_does_not_have_is_refused():
    with pytest.raises(TypeError, match="no field color"):
        share_fields("color")(type("Misspelt", (_Example,), {}))


def _forms_sharing_fields() -> set[type]:
    get_resolver().url_patterns  # noqa: B018 (every view imported, with the forms it uses)
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if isinstance(cls.__dict__.get("base_fields"), _SharedFields):
            found.add(cls)
    return found


def _state(form_class) -> dict:
    """What each shared field of `form_class` holds, and its widget: equal only if nothing changed them."""
    fields = form_class.base_fields
    return {
        name: copy.deepcopy(({k: v for k, v in vars(field).items() if k != "widget"}, vars(field.widget)))
        for name, field in fields.items()
        if name not in fields.per_form
    }


def _filter_pages(client, make) -> None:
    make(subject="A row")
    for url in [
        "/agent/tickets/?view=open",
        "/agent/tickets/?view=all&status=open&priority=high&team=1&assignee=me&tag=x&sort=created&page=1",
        "/agent/tickets/?status=nonsense&priority=9&page=0&requester=-1&sort=nope&custom_status=abc",
        "/agent/tickets/?q=printer&assignee=none&sla_state=warning&follow_up=open&type=question&channel=email",
        "/agent/tickets/?view=unknown-view&tag=" + "x" * 100,
    ]:
        assert client.get(url).status_code in (200, 400), url


def _reply_pages(client, make) -> None:
    """The ticket page, a reply refused (no text, a bad file count, an unknown status), a reply that meets a
    colleague's change (shown again to confirm), a reply sent."""
    ticket = make(subject="Replies")
    page, reply = reverse("agent:ticket", args=[ticket.pk]), reverse("agent:ticket-reply", args=[ticket.pk])
    seen = client.get(page).context["reply_form"]["seen"].value()
    refused = {"kind": "reply", "body": "", "status": "nonsense", "kept": ["x", "3"], "minutes": "abc"}
    assert client.post(reply, refused).status_code == 400
    ticket_update(actor=None, ticket=ticket, changes={"priority": "high"}, system=True)
    stale = {"kind": "note", "body": "Checking", "seen": seen, "articles": "1:link"}
    assert client.post(reply, stale).status_code == 409
    assert client.post(reply, {"kind": "reply", "body": "Done", "confirmed": "on"}).status_code == 302
    assert client.get(page).status_code == 200


# The pages that build each form sharing fields, with values both valid and refused.
PAGES = {TicketFilterForm: _filter_pages, ReplyForm: _reply_pages}


def test_no_page_changes_a_shared_field(agent_client, make):
    """Every form class sharing fields is shown here by its pages, its filters both valid and refused (the
    filter panel's fragment is rendered, not taken from the cache): its shared fields and their widgets
    hold the same afterwards. A new form using share_fields must name its pages in PAGES."""
    assert _forms_sharing_fields() == set(PAGES)
    for form_class, pages in PAGES.items():
        before = _state(form_class)
        pages(agent_client, make)
        assert _state(form_class) == before
