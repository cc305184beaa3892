"""HTML mail bodies: sanitising for display (nh3) and reading as plain text (stdlib parser)."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import nh3

# What a mail body may keep: ammonia's defaults plus the layout tags mail clients rely on.
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"font", "tfoot"}
_ALLOWED_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
for _tag in ("table", "td", "th", "tr", "tbody", "thead", "tfoot"):
    _ALLOWED_ATTRIBUTES.setdefault(_tag, set()).update({"width", "height", "valign", "bgcolor"})
_ALLOWED_ATTRIBUTES.setdefault("table", set()).update({"border", "cellpadding", "cellspacing"})
_ALLOWED_ATTRIBUTES.setdefault("font", set()).update({"color", "face", "size"})
_ALLOWED_ATTRIBUTES["*"] = {"dir", "lang", "title", "style"}
# cid: lets inline images (Content-ID parts) be shown; javascript:, data: and the rest go.
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
# Presentation only: no position, no url(), nothing that can overlay or load.
_STYLE_PROPERTIES = {
    "color",
    "background-color",
    "font-weight",
    "font-style",
    "font-size",
    "font-family",
    "text-align",
    "text-decoration",
    "direction",
    "unicode-bidi",
    "white-space",
    "border",
    "border-collapse",
    "padding",
    "margin",
    "width",
    "height",
    "vertical-align",
    "line-height",
}


def sanitize_html(html: str) -> str:
    """Mail HTML made safe to show: no scripts, no event handlers, no javascript: links."""
    if not html:
        return ""
    try:
        return nh3.clean(
            html,
            tags=_ALLOWED_TAGS,
            clean_content_tags={"script", "style", "title", "head"},
            attributes=_ALLOWED_ATTRIBUTES,
            url_schemes=_URL_SCHEMES,
            filter_style_properties=_STYLE_PROPERTIES,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        )
    except BaseException:  # noqa: BLE001 - a panic in the Rust sanitizer must not lose the mail
        return html_lib.escape(html_to_text(html))


def text_to_html(text: str) -> str:
    """Plain text as safe HTML, line breaks kept."""
    return '<div style="white-space: pre-wrap">' + html_lib.escape(text) + "</div>"


_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "tfoot", "thead", "tr", "ul", "body", "html", "caption",
}  # fmt: skip
_PARAGRAPH_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre"}
_SKIP_TAGS = {"script", "style", "head", "title", "noscript", "template", "xml", "o:smarttagtype"}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base", "source"}

# Markers the reply stripper understands; private-use characters never found in mail text.
QUOTE_CUT = "\ue000cut\ue000"
QUOTE_START = "\ue000q+\ue000"
QUOTE_END = "\ue000q-\ue000"
HR_MARK = "\ue000hr\ue000"
HR_ANCHOR = "\ue000hra\ue000"
_MARKERS = (QUOTE_CUT, QUOTE_START, QUOTE_END, HR_MARK, HR_ANCHOR)

# Containers that hold quoted history in common clients.
_QUOTE_CONTAINER_CLASSES = {
    "gmail_quote",
    "yahoo_quoted",
    "moz-cite-prefix",
    "divrplyfwdmsg",
    "x_divrplyfwdmsg",
    "ms-outlook-mobile-reference-message",
    "protonmail_quote",
    "zmail_extra",
    "wordsection1-quote",
}
_QUOTE_CONTAINER_IDS = {
    "olk_src_body_section",
    "divrplyfwdmsg",
    "x_divrplyfwdmsg",
    "appendonsend",
    "mail-editor-reference-message-container",
    "isforwardcontent",
    "isreplycontent",
}


_TOP_BORDER = re.compile(r"border-top(?:-style)?\s*:[^;]*\bsolid\b", re.IGNORECASE)


class _TextExtractor(HTMLParser):
    def __init__(self, *, markers: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.markers = markers
        self.out: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0
        self.stack: list[tuple[str, int]] = []  # open block tags and where their text starts
        self.quote_depth = 0
        self.cut = False

    # The text is built as a list of pieces; "\n" pieces are line breaks.
    def _newline(self, count: int = 1) -> None:
        trailing = 0
        for piece in reversed(self.out):
            if piece == "\n":
                trailing += 1
            elif piece.strip(" "):
                break
            else:
                continue
        if not self.out:
            return
        self.out.extend(["\n"] * max(0, count - trailing))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _SKIP_TAGS:
            if tag not in _VOID_TAGS:
                self.skip_depth += 1
            return
        if self.skip_depth:
            return
        attributes = {name.lower(): (value or "") for name, value in attrs}
        if self.markers and not self.cut and self._is_quote_container(tag, attributes):
            self._newline()
            self.out.extend([QUOTE_CUT, "\n"])
            self.cut = True
        if tag == "br":
            self.out.append("\n")
            return
        if tag == "hr":
            self._newline()
            if self.markers:
                anchor = self.stack[-1][1] if self.stack else len(self.out)
                self.out.insert(anchor, HR_ANCHOR)
                self.out.insert(anchor + 1, "\n")
                self.out.extend([HR_MARK, "\n"])
            return
        if tag == "img":
            alt = attributes.get("alt", "").strip()
            if alt and not self.markers:
                self.out.append(f" {alt} ")
            return
        if tag in ("td", "th"):
            self.out.append(" ")
        if tag in _BLOCK_TAGS:
            self._newline(2 if tag in _PARAGRAPH_TAGS else 1)
            if self.markers and _TOP_BORDER.search(attributes.get("style", "")):
                # Outlook separates the quoted header block with a top border, not an <hr>.
                self.out.extend([HR_ANCHOR, "\n", HR_MARK, "\n"])
            if tag == "blockquote" and self.markers:
                self.out.extend([QUOTE_START, "\n"])
                self.quote_depth += 1
            if tag == "pre":
                self.pre_depth += 1
            if tag not in _VOID_TAGS:
                self.stack.append((tag, len(self.out)))

    def _is_quote_container(self, tag: str, attributes: dict[str, str]) -> bool:
        classes = set(attributes.get("class", "").lower().split())
        if classes & _QUOTE_CONTAINER_CLASSES:
            # Gmail also marks the blockquote itself; the "On ... wrote:" div is the start.
            return tag != "blockquote" or "gmail_quote" not in classes
        return attributes.get("id", "").lower() in _QUOTE_CONTAINER_IDS

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _SKIP_TAGS:
            if self.skip_depth:
                self.skip_depth -= 1
            return
        if self.skip_depth:
            return
        if tag in _BLOCK_TAGS and tag not in _VOID_TAGS:
            for index in range(len(self.stack) - 1, -1, -1):
                if self.stack[index][0] == tag:
                    del self.stack[index:]
                    break
            if tag == "pre" and self.pre_depth:
                self.pre_depth -= 1
            if tag == "blockquote" and self.markers and self.quote_depth:
                self._newline()
                self.out.extend([QUOTE_END, "\n"])
                self.quote_depth -= 1
            self._newline(2 if tag in _PARAGRAPH_TAGS else 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.skip_depth or not data:
            return
        if self.pre_depth:
            self.out.extend(re.split(r"(\n)", data.replace("\r\n", "\n")))
            return
        collapsed = re.sub(r"[ \t\r\n\f]+", " ", data)
        self.out.append(collapsed)

    def text(self) -> str:
        joined = "".join(self.out)
        lines = [line.strip(" ") for line in joined.split("\n")]
        text = "\n".join(lines)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip("\n")


def html_to_text(html: str, *, markers: bool = False) -> str:
    """Read HTML as text: tags dropped, entities decoded, blocks and <br> as line breaks.

    With ``markers``, blockquotes, quote containers and <hr> leave marker lines for the reply
    stripper (see ``reply.py``); without, the result is plain text.
    """
    if not html:
        return ""
    parser = _TextExtractor(markers=markers)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - HTMLParser is lenient, but a body must never be lost
        text = re.sub(r"<[^>]*>", " ", html)
        return html_lib.unescape(text)
    return parser.text()


def unmark(text: str) -> str:
    """The plain reading of ``html_to_text(..., markers=True)`` output."""
    lines = [line for line in text.split("\n") if line.strip() not in _MARKERS]
    return re.sub(r"\n{3,}", "\n\n", strip_markers("\n".join(lines))).strip("\n")


def strip_markers(text: str) -> str:
    for marker in _MARKERS:
        text = text.replace(marker, "")
    return text


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE)


def html_declared_charset(data: bytes) -> str | None:
    """The charset a <meta> tag declares in the first few KB of an HTML body."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None
