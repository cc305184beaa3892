"""Markdown in, sanitized HTML out; plain text for search and snippets. Pure functions."""

import html
import re

import markdown
import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "s",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "code": {"class"},
    "*": {"dir", "lang"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
_SPACES = re.compile(r"\s+")


def sanitize_html(raw: str) -> str:
    """Keep formatting only: no script, no event handlers, no style, links only to safe schemes."""
    return nh3.clean(
        raw,
        tags=_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Markdown (with tables and fenced code) to sanitized HTML. Raw HTML in the source is cleaned too."""
    if not source:
        return ""
    raw = markdown.markdown(source, extensions=["extra", "sane_lists"], output_format="html")
    return sanitize_html(raw)


def html_to_text(fragment: str) -> str:
    """Readable plain text of sanitized HTML (what search indexes and snippets show)."""
    text = nh3.clean(re.sub(r"<(/?(p|li|h\d|tr|br|div|pre|blockquote))", r" <\1", fragment), tags=set())
    return _SPACES.sub(" ", html.unescape(text)).strip()
