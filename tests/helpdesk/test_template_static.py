"""The static template library (helpdesk.templatetags.static_kept): a literal {% static %} asks the storage
once and keeps the address with that storage; every tag writes what Django's own library writes."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import Context, Engine, engines
from django.templatetags.static import StaticNode
from django.test import override_settings

from helpdesk.templatetags.static_kept import KeptStaticNode

TEMPLATES = [
    "{% static 'css/app.css' %}",
    '{% static "js/app.js" as script %}[{{ script }}]',
    "{% static 'css/app.css'|upper %}",
    "{% static path %}",
    "{% static 'a file & more.txt' %}",
    "{% get_static_prefix %}",
    "{% get_media_prefix %}",
]


def ours(source: str):
    return engines["django"].engine.from_string(source)


def djangos(source: str):
    return Engine(libraries={"static": "django.templatetags.static"}).from_string("{% load static %}" + source)


@pytest.mark.parametrize("source", TEMPLATES)
def test_every_tag_writes_what_djangos_library_writes(source):
    context = {"path": "img/logo.svg"}
    template = ours(source)
    for _ in range(2):  # the first render asks the storage, the second writes what it kept
        assert template.render(Context(context)) == djangos(source).render(Context(context))


def _count_lookups(monkeypatch) -> list[str]:
    asked = []
    lookup = StaticNode.handle_simple.__func__

    def counted(cls, path):
        asked.append(path)
        return lookup(cls, path)

    monkeypatch.setattr(StaticNode, "handle_simple", classmethod(counted))
    return asked


def test_a_literal_path_is_looked_up_once_and_a_variable_one_each_time(monkeypatch):
    asked = _count_lookups(monkeypatch)
    literal, variable = ours("{% static 'css/app.css' %}"), ours("{% static path %}")
    assert isinstance(literal.nodelist[0], KeptStaticNode)
    for _ in range(3):
        assert literal.render(Context()) == "/static/css/app.css"
        assert variable.render(Context({"path": "js/app.js"})) == "/static/js/app.js"
    assert asked == ["css/app.css", "js/app.js", "js/app.js", "js/app.js"]


def test_a_new_static_url_or_storage_gives_new_addresses(monkeypatch):
    template = ours("{% static 'css/app.css' %}")
    assert template.render(Context()) == "/static/css/app.css"
    with override_settings(STATIC_URL="/assets/"):
        staticfiles_storage.url("js/app.js")  # another page's address first: the new storage is made
        assert template.render(Context()) == "/assets/css/app.css"
    assert template.render(Context()) == "/static/css/app.css"
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"base_url": "https://cdn.example.com/s/"},
        },
    }
    with override_settings(STORAGES=storages):
        assert template.render(Context()) == "https://cdn.example.com/s/css/app.css"
    assert template.render(Context()) == "/static/css/app.css"
