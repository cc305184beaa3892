"""{% kept %} (helpdesk.templatetags.helpdesk): a fragment rendered once per language and values in the
process, then written as kept."""

import pytest
from django.template import Context, TemplateSyntaxError, engines
from django.utils import translation

from helpdesk.templatetags.helpdesk import KeptNode, forget_kept


class Counter:
    def __init__(self) -> None:
        self.renders = 0

    @property
    def next(self) -> int:
        self.renders += 1
        return self.renders


def _template(source: str):
    return engines["django"].engine.from_string("{% load helpdesk %}" + source)


def test_a_fragment_is_rendered_once_per_language_and_values():
    template = _template('{% kept "panel" colour size %}<b>{{ counter.next }} {{ colour }}</b>{% endkept %}|{{ x }}')
    counter = Counter()

    def render(language: str, **values) -> str:
        with translation.override(language):
            return template.render(Context({"counter": counter, **values}))

    assert render("en", colour="red", size=1, x="a") == "<b>1 red</b>|a"
    assert render("en", colour="red", size=1, x="b") == "<b>1 red</b>|b"  # kept; what is outside is not
    assert render("fa", colour="red", size=1) == "<b>2 red</b>|"
    assert render("en", colour="blue", size=1) == "<b>3 blue</b>|"
    assert render("en", colour="red", size=2) == "<b>4 red</b>|"
    assert render("en", colour="red", size=1) == "<b>1 red</b>|"
    assert render("en", colour="<i>", size=1) == "<b>5 &lt;i&gt;</b>|"  # escaped as the template escapes
    forget_kept()
    assert render("en", colour="red", size=1) == "<b>6 red</b>|"


def test_a_tag_keeps_a_bounded_number_of_fragments(monkeypatch):
    monkeypatch.setattr(KeptNode, "MAX_KEPT", 3)
    template = _template('{% kept "many" n %}{{ n }}{% endkept %}')
    node = next(node for node in template.nodelist if isinstance(node, KeptNode))
    for n in range(10):
        assert template.render(Context({"n": n})) == str(n)
        assert len(node.rendered) <= 3


def test_the_tag_needs_a_name():
    with pytest.raises(TemplateSyntaxError, match="takes a name"):
        _template("{% kept %}x{% endkept %}")
