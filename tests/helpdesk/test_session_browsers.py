"""The profile's signed-in sessions name each browser for people ("Firefox 140 on Linux", in Persian with
Persian digits), keep the header as sent in the row's title, and show a header no one recognises as sent,
escaped."""

import pytest
from django.utils import translation

from helpdesk.security.user_agents import browser_label
from tests.helpdesk.twofactor_support import sign_in

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1"
HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.mark.parametrize(
    ("header", "english"),
    [
        (FIREFOX, "<bdi>Firefox</bdi> 140 on <bdi>Linux</bdi>"),
        (EDGE, "<bdi>Edge</bdi> 131 on <bdi>Windows</bdi>"),
        (IPHONE, "<bdi>Mobile Safari</bdi> on <bdi>iOS</bdi>"),
        ("python-requests/2.32.3", "<bdi>Python Requests</bdi> 2"),
        ("acme-sync/1.0 (build 7)", "<bdi>acme-sync/1.0 (build 7)</bdi>"),
        ("", "—"),
    ],
)
def test_a_browser_is_named_by_its_family_version_and_system(header, english):
    with translation.override("en"):
        assert browser_label(header) == english


def test_in_persian_the_sentence_and_the_digits_are_persian():
    with translation.override("fa"):
        assert browser_label(FIREFOX) == "<bdi>Firefox</bdi> ۱۴۰ روی <bdi>Linux</bdi>"
        assert browser_label(IPHONE) == "<bdi>Mobile Safari</bdi> روی <bdi>iOS</bdi>"


def test_a_long_unknown_header_is_cut_and_a_hostile_one_is_escaped():
    assert browser_label("x" * 300) == f"<bdi>{'x' * 80}</bdi>"
    assert browser_label(HOSTILE) == "<bdi>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</bdi>"


def test_the_profile_names_each_browser_and_keeps_the_header_in_its_title(agent):
    desk = sign_in(agent, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.7")
    sign_in(agent, HTTP_USER_AGENT=HOSTILE, REMOTE_ADDR="203.0.113.9")
    page = desk.get("/profile/").content.decode()
    assert "<bdi>Firefox</bdi> 140 on <bdi>Linux</bdi>" in page
    assert f'title="{FIREFOX}"' in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_a_persian_agent_reads_the_browser_in_persian(agent):
    agent.language = "fa"
    agent.save(update_fields=["language"])
    desk = sign_in(agent, HTTP_USER_AGENT=EDGE, REMOTE_ADDR="198.51.100.7")
    page = desk.get("/profile/").content.decode()
    assert "<bdi>Edge</bdi> ۱۳۱ روی <bdi>Windows</bdi>" in page


def test_the_template_tags_load_without_ua_parser_until_a_session_is_shown():
    import os
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); import helpdesk.templatetags.helpdesk; "
        "assert 'ua_parser' not in sys.modules; "
        "from helpdesk.security.user_agents import browser_parts; browser_parts('curl/8.0'); "
        "assert 'ua_parser' in sys.modules"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)
