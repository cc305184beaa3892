"""helpdesk.addresses.reverse_ids: what reverse() gives, for ids, whatever was asked before; anything else
through reverse() itself, its errors included."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from helpdesk.addresses import reverse_ids


@pytest.mark.parametrize(
    ("viewname", "ids"),
    [
        ("home", ()),
        ("agent:ticket", (1,)),
        ("agent:ticket", (9_087_654_321,)),  # a stand-in's own number
        ("agent:ticket", (123_456_789_012,)),
        ("agent:ticket-side", (0,)),
        ("agent:message-original", (12, 3)),
        ("agent:ticket-time-edit", (7, 7)),  # the same id twice
        ("portal:ticket", (42,)),
    ],
)
def test_it_gives_what_reverse_gives(viewname, ids):
    for _ in range(2):  # worked out once, then written from the kept address
        assert reverse_ids(viewname, *ids) == reverse(viewname, args=ids)


def test_each_call_gets_its_own_ids():
    assert [reverse_ids("agent:ticket", pk) for pk in (1, 22, 333)] == [
        reverse("agent:ticket", args=[pk]) for pk in (1, 22, 333)
    ]


def test_a_script_prefix_is_respected():
    plain = reverse_ids("agent:ticket", 5)
    set_script_prefix("/helpdesk/")
    try:
        assert reverse_ids("agent:ticket", 5) == reverse("agent:ticket", args=[5]) == "/helpdesk" + plain
    finally:
        clear_script_prefix()
    assert reverse_ids("agent:ticket", 5) == plain


@pytest.mark.parametrize("bad", [None, -1, "x", 1.5])
def test_what_is_not_an_id_goes_through_reverse_and_fails_as_it_fails(bad):
    with pytest.raises(NoReverseMatch) as ours:
        reverse_ids("agent:ticket", bad)
    with pytest.raises(NoReverseMatch) as djangos:
        reverse("agent:ticket", args=[bad])
    assert str(ours.value) == str(djangos.value)


def test_a_view_that_takes_other_arguments_fails_as_reverse_fails():
    with pytest.raises(NoReverseMatch) as ours:
        reverse_ids("agent:ticket", 1, 2)  # one argument too many
    with pytest.raises(NoReverseMatch) as djangos:
        reverse("agent:ticket", args=[1, 2])
    assert str(ours.value) == str(djangos.value)


def test_the_template_tag_writes_what_the_url_tag_writes():
    context = Context({"pk": 12, "other": 3})
    ours = Template("{% load helpdesk %}{% url_ids 'agent:message-original' pk other %} {% url_ids 'home' %}")
    djangos = Template("{% url 'agent:message-original' pk other %} {% url 'home' %}")
    assert ours.render(context) == djangos.render(context)
