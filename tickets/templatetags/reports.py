"""How a report's cells and figures read on its page (the CSV and the API carry the plain values)."""

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.html import format_html

from helpdesk.rounding import round_half_up
from helpdesk.templatetags.helpdesk import hd_date, hd_number, hd_percent

register = template.Library()


def _number(value, kind: str) -> str:
    # number_format cuts digits off: round half up first, as everywhere (helpdesk.rounding)
    if kind == "number":
        return hd_number(formats.number_format(round_half_up(value), 1, use_l10n=False))
    if kind == "percent":  # "36.4%", and in Persian "۳۶٫۴٪" with the percent sign after the number
        return hd_percent(formats.number_format(round_half_up(value), 1, use_l10n=False))
    if kind == "money":
        return hd_number(f"{Decimal(value):,.0f}")
    return hd_number(f"{value:,}" if isinstance(value, int) else value)


@register.simple_tag
def report_value(value, kind):
    """One value by its column kind: names isolated, numbers in the reader's digits, dates in their calendar."""
    if value is None or value == "":
        return "—"
    if kind == "text":
        return format_html("<bdi>{}</bdi>", value)
    if kind == "period":
        return value.label
    if kind == "date":
        return hd_date(value)
    if kind == "label":
        return str(value)
    return _number(value, kind)


@register.filter
def cell(row, key):
    return row.get(key)
