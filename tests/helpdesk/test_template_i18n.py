"""The i18n template library (helpdesk.templatetags.i18n_cached): a literal {% translate %} is rendered
once per language and kept; every tag writes exactly what Django's own library writes."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Engine, engines
from django.templatetags.i18n import TranslateNode
from django.utils import translation

from helpdesk.templatetags.i18n_cached import CachedTranslateNode

TEMPLATES = [
    '{% translate "Status" %}',
    "{% trans 'Reply' %}",
    '{% translate "Status" as label %}[{{ label }}]',
    '{% translate "100%% done" %}',  # a literal's doubled percent sign
    '{% translate "<b>Status</b>" %}',  # a literal is safe, as Django has it
    '{% translate "Status"|upper %}',
    '{% translate "May" context "month name" %}',
    '{% translate "Status" noop %}',
    "{% translate word %}",
    "{% translate word as other %}{{ other }}",
    "{% blocktranslate count n=n %}{{ n }} ticket{% plural %}{{ n }} tickets{% endblocktranslate %}",
]


def ours(source: str):
    return engines["django"].engine.from_string(source)


def djangos(source: str):
    return Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string("{% load i18n %}" + source)


@pytest.mark.parametrize("source", TEMPLATES)
def test_every_tag_writes_what_djangos_library_writes_in_each_language(source):
    template, reference = ours(source), djangos(source)
    for language in ("en", "fa", "en", "fa"):  # the second round reads what the first kept
        with translation.override(language):
            values = {"word": "Priority", "n": 3}
            assert template.render(Context(values)) == reference.render(Context(values))


def test_a_literal_is_kept_per_language_and_anything_resolved_at_render_time_is_djangos_node():
    template = ours('{% translate "Status" %}|{% translate word %}|{% translate "Status"|upper %}')
    kinds = [type(node) for node in template.nodelist]
    assert kinds.count(CachedTranslateNode) == 1 and kinds.count(TranslateNode) == 2
    with translation.override("fa"):
        persian = translation.gettext("Status")
        assert template.render(Context({"word": "Status"})).split("|")[0] == persian != "Status"
    with translation.override("en"):
        assert template.render(Context({"word": "Status"})).split("|")[0] == "Status"
    with translation.override("fa"):
        assert template.render(Context({"word": "Status"})).split("|")[0] == persian


def test_our_templates_use_the_builtin_and_never_load_djangos_library_over_it():
    assert isinstance(ours('{% translate "Status" %}').nodelist[0], CachedTranslateNode)
    loads = re.compile(r"{%\s*load\s[^%]*\bi18n\b")
    found = [path for path in Path(settings.BASE_DIR, "templates").rglob("*.html") if loads.search(path.read_text())]
    assert found == []
