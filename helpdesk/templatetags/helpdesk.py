import weakref
from decimal import Decimal

from django import template
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils import translation
from django.utils.html import avoid_wrapping, escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import charts, dates, paging
from ..addresses import reverse_ids
from ..security.user_agents import browser_label

register = template.Library()
register.filter("browser_label", browser_label)  # a session's browser, named for people


@register.simple_tag
def url_ids(viewname: str, *ids) -> str:
    """{% url viewname id ... %} for views whose arguments are ids (helpdesk.addresses: reversed once per
    process); the pages printing many links use it. Escaped as {% url %} escapes."""
    return reverse_ids(viewname, *ids)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (helpdesk.paging.query_with)."""
    return paging.query_with(context["request"].GET, **changes)


@register.simple_tag(takes_context=True)
def page_href(context, number, param="", anchor="") -> str:
    """A pager's link to page `number` of the list read from `param` (default "page"): the current query
    with that parameter replaced and every other kept (another list's page on the same page too), then
    `#anchor`, the list's place on the page."""
    params = dict(context["request"].GET.lists())
    params[param or "page"] = [str(number)]
    return f"?{urlencode(params, doseq=True)}" + (f"#{anchor}" if anchor else "")


class KeptNode(template.Node):
    """A fragment rendered once per language and values in this process ({% kept %})."""

    MAX_KEPT = 500  # fragments a tag keeps (per language and values); a full tag starts again empty
    every: "weakref.WeakSet[KeptNode]" = weakref.WeakSet()

    def __init__(self, nodelist: template.NodeList, name: str, vary_on: list) -> None:
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on
        self.rendered: dict[tuple, str] = {}
        KeptNode.every.add(self)

    def render(self, context) -> str:
        key = (translation.get_language(), *(value.resolve(context) for value in self.vary_on))
        rendered = self.rendered.get(key)
        if rendered is None:
            rendered = self.nodelist.render(context)
            if len(self.rendered) >= self.MAX_KEPT:
                self.rendered.clear()
            self.rendered[key] = rendered
        return rendered


@register.tag
def kept(parser, token) -> KeptNode:
    """{% kept "name" value ... %}…{% endkept %}: what it holds, rendered once per language and values in
    this process and then written as kept. For the parts of a page that show nothing but what the code,
    the language and the values give (the navigation, the language buttons, a panel keyed by everything
    it shows): whatever differs per request (the CSRF token, the page's path) stays outside. The values
    must be text, numbers or booleans. Django's {% cache %} did this through a local-memory cache: its
    key hashed, the cache looked up through the connection handler, the text unpickled, some 15-30 µs a
    fragment, five to seven on every agent page."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} takes a name, then the values it is kept by.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])


def forget_kept() -> None:
    """Drop every kept fragment of this process (tests that count what a fragment renders)."""
    for node in list(KeptNode.every):
        node.rendered.clear()


def _called(flag) -> bool:
    """A page's has_previous/has_next: a method on a Paginator's Page, a property on helpdesk.paging's."""
    return bool(flag() if callable(flag) else flag)


@register.simple_tag(takes_context=True)
def pager(context) -> str:
    """Previous / Page N / Next for the context's `page` (a Paginator's Page or helpdesk.paging's), each
    link this page's query with `page_param` (default "page") set, then `#page_anchor` (page_href):
    helpdesk/_pager.html, written here (as an include, 50-80 µs a list page). A line break alone for one
    page, as that template wrote."""
    page = context.get("page")
    has_previous = page is not None and _called(page.has_previous)
    has_next = page is not None and _called(page.has_next)
    if not (has_previous or has_next):
        return "\n"
    param, anchor = context.get("page_param") or "", context.get("page_anchor") or ""

    def link(rel: str, number: int, label: str) -> str:
        href = escape(page_href(context, number, param, anchor))
        return f'<a class="button" rel="{rel}" href="{href}">{escape(label)}</a>'

    previous = link("prev", page.number - 1, _("Previous")) if has_previous else ""
    following = link("next", page.number + 1, _("Next")) if has_next else ""
    number = escape(_("Page %(number)s") % {"number": hd_number(page.number)})
    return mark_safe(  # noqa: S308 (every value in it is escaped)
        f'\n<nav class="pager" aria-label="{escape(_("Pages"))}">\n  {previous}\n  '
        f'<span class="muted">{number}</span>\n  {following}\n</nav>\n\n'
    )


@register.filter
def hd_date(value):
    """A date (or the date of a moment) in the user's calendar: Jalali when the language is fa."""
    if not value:
        return ""
    return dates.format_date(value, translation.get_language() or "en")


@register.filter
def hd_datetime(value):
    """A moment in the user's time zone and calendar."""
    if not value:
        return ""
    return dates.format_datetime(value, translation.get_language() or "en")


@register.filter
def hd_moment(value, css=""):
    """A moment as a <time> element in the user's time zone, calendar and language direction, with `css`
    as its class: what the ticket page's timeline writes (dates.moment_html)."""
    if not value:
        return ""
    return dates.moment_html(value, translation.get_language() or "en", css)


def _shown(value) -> str:
    """A float or Decimal with at most one decimal and none when whole (256.0 → "256", 36.44 → "36.4")."""
    if isinstance(value, float | Decimal):
        return floatformat(value, -1)
    return str(value)


@register.filter
def hd_number(value):
    """A number as the reader writes it: Persian digits and separators ("۳۶٫۴") when the language is fa."""
    if value is None:
        return ""
    text = _shown(value)
    return dates.persian_number(text) if translation.get_language() == "fa" else text


@register.filter
def hd_percent(value):
    """A percentage: "36.4%" in English, "۳۶٫۴٪" (the Persian percent sign, after the number) in fa."""
    if value is None or value == "":
        return ""
    if translation.get_language() == "fa":
        return dates.persian_number(_shown(value)) + "\u066a"
    return f"{_shown(value)}%"


# Our own words for the units: Django's Persian catalogue leaves "KB", "MB" and "GB" in Latin letters.
_SIZE_UNITS = {
    "KB": gettext_lazy("%(size)s KB"),
    "MB": gettext_lazy("%(size)s MB"),
    "GB": gettext_lazy("%(size)s GB"),
    "TB": gettext_lazy("%(size)s TB"),
    "PB": gettext_lazy("%(size)s PB"),
}


@register.filter
def hd_filesize(value):
    """A file size as people read it: "126.1 KB"; in fa "۱۲۶٫۱ کیلوبایت" (the number in Persian digits)."""
    text = filesizeformat(value)  # "126.1\xa0KB", or "98\xa0bytes" in the reader's language
    number, _space, unit = text.rpartition("\xa0")
    if unit in _SIZE_UNITS:
        return avoid_wrapping(str(_SIZE_UNITS[unit]) % {"size": hd_number(number)})
    return hd_number(text)


@register.filter
def bdi(value):
    """Text a person wrote, escaped and isolated in <bdi>, for use inside a translated sentence.

    Without it an English name inside a Persian sentence (or the reverse) takes the sentence's direction
    and its neutral characters (dots, quotes, parentheses) jump to the wrong end.
    """
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.simple_tag
def chart(value):
    """A `helpdesk.charts.Chart` as an SVG with its legend; right to left and Persian digits in fa."""
    if value is None or value.empty:
        return ""
    svg = charts.chart_svg(value, rtl=translation.get_language_bidi(), number=hd_number)
    legend = format_html_join(
        "",
        '<li><span class="chart-key chart-key-{}" aria-hidden="true"></span><bdi>{}</bdi></li>',
        ((index % len(charts.PALETTE), series.name) for index, series in enumerate(value.series)),
    )
    # too wide for a phone, the chart scrolls sideways; one over time starts at its latest end (static/js/app.js)
    scroll = '<div class="chart-scroll" data-scroll-end>' if value.over_time else '<div class="chart-scroll">'
    return format_html(
        '<figure class="chart-wrap">{}{}</div><ul class="chart-legend">{}</ul></figure>',
        mark_safe(scroll),  # noqa: S308 (a constant)
        mark_safe(svg),  # noqa: S308 (chart_svg escapes every text it writes)
        legend,
    )


@register.simple_tag
def hd_counted(count, opts):
    """How many records of a model, as the admin's change list says it: "3 teams"; in Persian the noun
    after a number stays singular and the digits are Persian ("۳ تیم", not "3 تیم‌ها")."""
    if translation.get_language() == "fa":
        return f"{hd_number(count)} {opts.verbose_name}"
    return f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}"


@register.simple_tag
def hd_counted_text(singular: str, plural: str, count: int, name: str = "counter") -> str:
    """One of Django's own counted texts ("%(counter)s results", from its catalogue) with the count as the
    reader writes it (hd_number): the admin's search box and its "selected" notes."""
    return ngettext(singular, plural, count) % {name: hd_number(count)}


@register.filter
def hd_digits(value) -> str:
    """Every digit of a text the product wrote itself (never of text people typed) in Persian digits when
    the language is fa: Django's "0 of 50 selected", whose 0 is in its Persian catalogue."""
    text = str(value)
    return dates.persian_digits(text) if translation.get_language() == "fa" else text
