"""The form renderer (settings.FORM_RENDERER): Django's TemplatesSetting, with the plain input and
text-area widgets written in Python, and an empty error list written as nothing.

Each widget Django renders is two or three template renders (text.html, input.html, attrs.html); a
ticket page has some twenty of them, a fifth of its template time. For the templates below this writes
the same HTML in one pass, and only while each template's source is the one it copies: a template
changed or overridden (templates/django/forms/...) is rendered by the template engine again.
"""

import html
from functools import cached_property

from django.forms.renderers import TemplatesSetting

_WIDGETS = "django/forms/widgets/"
_INCLUDE_INPUT = '{% include "django/forms/widgets/input.html" %}\n'
# Django's own sources of the templates written here (django/forms/templates/django/forms/widgets).
DJANGO_SOURCES = {
    "input.html": (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
        "value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>\n'
    ),
    "attrs.html": (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
        "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}"
    ),
}
# This project's text.html and textarea.html (templates/django/forms/widgets): dir="auto" unless set.
PROJECT_SOURCES = {
    "text.html": (
        "{% comment %}As textarea.html: what people type takes its own direction unless the widget sets one."
        '{% endcomment %}<input type="{{ widget.type }}" name="{{ widget.name }}"{% if not widget.attrs.dir %} '
        'dir="auto"{% endif %}{% if widget.value != None %} value="{{ widget.value|stringformat:\'s\' }}"'
        '{% endif %}{% include "django/forms/widgets/attrs.html" %}>\n'
    ),
    "textarea.html": (
        '{% comment %}Text people write takes its own direction (dir="auto"): an English note in the Persian '
        "interface reads\nleft to right, a Persian one right to left. A widget that sets its own dir keeps it."
        '{% endcomment %}<textarea name="{{ widget.name }}"{% if not widget.attrs.dir %} dir="auto"{% endif %}'
        '{% include "django/forms/widgets/attrs.html" %}>\n{% if widget.value %}{{ widget.value }}{% endif %}'
        "</textarea>\n"
    ),
}
# Django's error lists (django/forms/templates/django/forms/errors/list): an empty one writes nothing.
_ERRORS = "django/forms/errors/list/"
DJANGO_ERROR_SOURCES = {
    "default.html": '{% include "django/forms/errors/list/ul.html" %}',
    "ul.html": (
        '{% if errors %}<ul class="{{ error_class }}"{% if errors.field_id %} id="{{ errors.field_id }}_error"'
        "{% endif %}>{% for error in errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}"
    ),
}
# Django's widgets whose template is input.html alone.
INPUT_ONLY = ("hidden", "checkbox", "file", "email", "password", "url", "date", "datetime", "time", "search", "tel")


def _e(value) -> str:
    """What {{ value }} writes: safe HTML as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {_e(name)}" if value is True else f' {_e(name)}="{_e(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _value(widget: dict) -> str:
    return "" if widget["value"] is None else f' value="{_e(widget["value"])}"'


def write_input(widget: dict) -> str:
    return f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"{_value(widget)}{_attrs(widget["attrs"])}>'


def write_text(widget: dict) -> str:
    direction = "" if widget["attrs"].get("dir") else ' dir="auto"'
    return (
        f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"{direction}{_value(widget)}'
        f"{_attrs(widget['attrs'])}>"
    )


def write_textarea(widget: dict) -> str:
    direction = "" if widget["attrs"].get("dir") else ' dir="auto"'
    value = _e(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_e(widget["name"])}"{direction}{_attrs(widget["attrs"])}>\n{value}</textarea>'


class FastWidgetRenderer(TemplatesSetting):
    """TemplatesSetting, with the widgets above written by the functions above (same HTML)."""

    def _source(self, name: str, folder: str = _WIDGETS) -> str | None:
        try:
            return self.get_template(folder + name).template.source
        except Exception:  # noqa: BLE001 (a template that does not load is rendered, and fails, as before)
            return None

    @cached_property
    def writers(self) -> dict:
        if any(self._source(name) != source for name, source in DJANGO_SOURCES.items()):
            return {}
        writers = {
            _WIDGETS + f"{name}.html": write_input
            for name in INPUT_ONLY
            if self._source(f"{name}.html") == _INCLUDE_INPUT
        }
        for name, writer in (("text.html", write_text), ("textarea.html", write_textarea)):
            if self._source(name) == PROJECT_SOURCES[name]:
                writers[_WIDGETS + name] = writer
        return writers

    @cached_property
    def empty_error_lists(self) -> frozenset[str]:
        """The error-list templates that write nothing for no errors (while they are Django's own)."""
        if any(self._source(name, _ERRORS) != source for name, source in DJANGO_ERROR_SOURCES.items()):
            return frozenset()
        return frozenset(_ERRORS + name for name in DJANGO_ERROR_SOURCES)

    def render(self, template_name, context, request=None):
        if template_name in self.empty_error_lists and not context["errors"]:
            return ""  # every field's errors are rendered, most of them empty: no template for those
        writer = self.writers.get(template_name)
        if writer is None:
            return super().render(template_name, context, request=request)
        return writer(context["widget"])
