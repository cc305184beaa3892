"""Message bodies: sanitized HTML with the plain text beside it."""

import html
import re

import nh3

# The longest message body a person may send through a page or the API (characters): a form error or a
# 400 beyond it. Mail is not refused for its length (the email channel keeps what arrives).
MAX_BODY_CHARS = 200_000

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "*": {"dir", "lang"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
_TAG = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"\n{3,}")


def sanitize_html(value: str) -> str:
    """HTML safe to show inside our pages: no scripts, handlers, styles or javascript: links."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs; everything escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", (text or "").strip()) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def html_to_text(value: str) -> str:
    value = re.sub(r"(?i)<br\s*/?>", "\n", value or "")
    value = re.sub(r"(?i)</(p|div|li|tr|h[1-6])>", "\n\n", value)
    text = html.unescape(_TAG.sub("", value))
    return _BLANKS.sub("\n\n", text).strip()


def render_body(*, text: str = "", html_body: str = "") -> tuple[str, str]:
    """(sanitized html, plain text) from whichever the sender gave."""
    if html_body:
        clean = sanitize_html(html_body)
        return clean, (text.strip() if text else html_to_text(clean))
    return text_to_html(text), (text or "").strip()


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_REMOTE_SRC = re.compile(r'\ssrc="((?:https?:)?//[^"]*)"', re.IGNORECASE)


def remote_images_held(body_html: str) -> tuple[str, int]:
    """A sanitised body with its images from other sites held back: each <img> whose src is on
    another host keeps it as data-remote-src (the page loads them when the agent asks), so a
    tracking pixel in a customer's mail never tells its sender when, or from where, it was read.
    Images of our own (attachments, inline parts) load as before. Returns the body and how many."""
    if "<img" not in body_html:
        return body_html, 0
    held = 0

    def hold(match: re.Match) -> str:
        nonlocal held
        tag, count = _REMOTE_SRC.subn(r' data-remote-src="\1"', match.group(0))
        held += count
        return tag

    return _IMG.sub(hold, body_html), held
