"""Stored XSS attempts in titles, summaries, bodies, Markdown links, images and comments are inert."""

from html.parser import HTMLParser

import pytest

from knowledgebase import services
from knowledgebase.rendering import render_markdown

from .conftest import make_article

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "![alt](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)><script>alert(2)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "<!-- <script>alert(1)</script> -->",
    '"><script>alert(1)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](vbscript:msgbox(1))",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
]


_DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "body"}
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Audit(HTMLParser):
    """Looks at the tags and attributes a browser would build; escaped text is just text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in _DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            cleaned = "".join((value or "").split()).lower()
            if name in ("href", "src", "action", "formaction", "xlink:href") and cleaned.startswith(_BAD_SCHEMES):
                self.problems.append(f"{tag} {name}={value}")
            if name == "style":
                self.problems.append(f"{tag} style=")


def _inert(html: str) -> bool:
    """No <script, no event handler, no javascript:/vbscript:/data: URL in any real tag or attribute."""
    if "<script" in html.lower():
        return False
    audit = _Audit()
    audit.feed(html)
    return not audit.problems


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_rendering_makes_each_payload_inert(payload):
    assert _inert(render_markdown(payload))


def test_safe_links_and_images_survive_sanitizing():
    html = render_markdown("[docs](https://example.com/a) ![logo](https://example.com/l.png) [mail](mailto:a@b.c)")
    assert 'href="https://example.com/a"' in html and 'src="https://example.com/l.png"' in html
    assert 'rel="noopener noreferrer nofollow"' in html and "mailto:a@b.c" in html


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_stored_payloads_are_inert_on_every_page_that_shows_them(payload, agent, customer, client, as_user):
    article = make_article(
        agent, title=f"Title {payload}", summary=f"Summary {payload}", body=f"Body install {payload}"
    )
    services.article_vote(article=article, user=customer, helpful=False, comment=f"Comment {payload}")
    assert _inert(article.body_html)
    client.force_login(agent)
    pages = [
        article.get_absolute_url(),
        article.category.get_absolute_url() if article.category else "/kb/",
        "/kb/",
        "/kb/search/?q=install",
        "/kb/suggest/?q=install",
        "/kb/manage/",
        f"/kb/manage/{article.pk}/revisions/",
        "/kb/manage/review/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        body = html.split("<main", 1)[-1]  # the layout's own <script> tags are in <head>
        assert _inert(body), url
    api = as_user(None).get("/api/v1/kb/articles/search/", {"q": "install"}).json()
    assert _inert(api["results"][0]["snippet"])
    assert _inert(as_user(None).get(f"/api/v1/kb/articles/{article.pk}/").json()["body_html"])


@pytest.mark.django_db
def test_search_gaps_report_escapes_the_query(agent, client):
    client.get("/kb/search/", {"q": "<script>alert(1)</script>"})
    client.force_login(agent)
    body = client.get("/kb/manage/gaps/").content.decode().split("<main", 1)[-1]
    assert "<script" not in body and "&lt;script&gt;" in body


@pytest.mark.parametrize("payload", [PAYLOADS[0], PAYLOADS[1], PAYLOADS[3], PAYLOADS[8], PAYLOADS[11]])
def test_the_audit_catches_these_payloads_when_nothing_sanitizes_them(payload):
    from knowledgebase.rendering import markdown

    assert not _inert(markdown.markdown(payload))
