"""The form renderer writes plain inputs and text areas in Python: the same HTML as the templates."""

import datetime

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from helpdesk.form_renderer import FastWidgetRenderer


class EveryWidget(forms.Form):
    text = forms.CharField(max_length=20, required=False)
    text_ltr = forms.CharField(widget=forms.TextInput(attrs={"dir": "ltr", "placeholder": 'a "b" <c>'}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    check = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "data-x": True, "data-off": False}))
    note_ltr = forms.CharField(widget=forms.Textarea(attrs={"dir": "rtl"}), required=False)
    email = forms.EmailField(required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    file = forms.FileField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)


DATA = [
    {},
    {"text": "", "note": "", "check": ""},
    {"text": "<b>&'\"", "text_ltr": "سلام", "hidden": "1", "check": "on", "note": "line\nline2 <i>", "email": "a@b.c"},
    {"when": "2026-12-05", "note_ltr": "x", "secret": "s<"},
]


def _html(form) -> list[str]:
    return [str(bound) for bound in form]


def test_the_python_widgets_are_in_use():
    writers = FastWidgetRenderer().writers
    for name in ("text", "textarea", "hidden", "checkbox", "email", "file", "password", "date"):
        assert f"django/forms/widgets/{name}.html" in writers, name


@pytest.mark.parametrize("data", DATA)
def test_inputs_written_in_python_are_the_templates_html(data):
    fast, slow = FastWidgetRenderer(), TemplatesSetting()
    bound = EveryWidget(data, renderer=fast)
    assert _html(bound) == _html(EveryWidget(data, renderer=slow))
    initial = {"text": mark_safe("<em>safe</em>"), "when": datetime.date(2026, 1, 2), "check": True, **data}
    assert _html(EveryWidget(initial=initial, renderer=fast)) == _html(EveryWidget(initial=initial, renderer=slow))


def test_a_template_that_changed_is_rendered_by_the_engine(monkeypatch):
    from helpdesk import form_renderer

    monkeypatch.setitem(form_renderer.PROJECT_SOURCES, "text.html", "something else")
    writers = FastWidgetRenderer().writers
    assert "django/forms/widgets/text.html" not in writers
    assert "django/forms/widgets/textarea.html" in writers


def _errors(form) -> list[str]:
    return [str(bound.errors) for bound in form] + [str(form.non_field_errors())]


@pytest.mark.parametrize("data", [None, *DATA])
def test_error_lists_are_the_templates_html(data):
    """An empty error list writes nothing without a template; a full one is the template's list."""
    fast, slow = EveryWidget(data, renderer=FastWidgetRenderer()), EveryWidget(data, renderer=TemplatesSetting())
    assert _errors(fast) == _errors(slow)
    assert "django/forms/errors/list/default.html" in FastWidgetRenderer().empty_error_lists
    if data is not None and not fast.is_valid():
        assert any('<ul class="errorlist"' in html for html in _errors(fast))


def test_a_changed_error_list_template_is_rendered_by_the_engine(monkeypatch):
    from helpdesk import form_renderer

    monkeypatch.setitem(form_renderer.DJANGO_ERROR_SOURCES, "ul.html", "something else")
    assert FastWidgetRenderer().empty_error_lists == frozenset()
