"""The agent navigation and the shortcuts dialog are cached in each process per language and page
(templates/agent_base.html, tickets/agent/layout.html): each page still marks itself as the current
one, each language gets its own words, and only administrators get the configuration link."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _nav(client, url: str) -> tuple[str, str]:
    body = client.get(url).content.decode()
    nav = body[body.index('<nav class="mainnav"') : body.index("</nav>", body.index('<nav class="mainnav"'))]
    current = re.findall(r'<a href="([^"]+)" aria-current="page"', nav)
    return nav, current[0] if current else ""


def test_each_page_marks_itself_whichever_page_came_first(client, agent):
    client.force_login(agent)
    pages = [reverse("agent:home"), reverse("agent:tickets"), reverse("agent:macros"), reverse("agent:reports")]
    for _ in range(2):  # the second time from the cache
        for url in pages:
            assert _nav(client, url)[1] == url


def test_each_language_gets_its_own_words(client, agent):
    client.force_login(agent)
    url = reverse("agent:tickets")
    assert ">Tickets<" in _nav(client, url)[0]
    agent.language = "fa"
    agent.save()
    nav, _current = _nav(client, url)
    assert ">Tickets<" not in nav and ">تیکت‌ها<" in nav
    assert "میانبرهای صفحه‌کلید" in client.get(url).content.decode()  # the shortcuts dialog, in Persian


def test_only_administrators_get_the_configuration_link(client, agent, admin_user):
    url = reverse("agent:tickets")
    client.force_login(agent)
    assert reverse("admin:index") not in _nav(client, url)[0]
    client.force_login(admin_user)
    assert reverse("admin:index") in _nav(client, url)[0]
    client.force_login(agent)
    assert reverse("admin:index") not in _nav(client, url)[0]
