"""«لطفاً» ("please") is written with its tanwin in every Persian message the site shows: ours, and
Django's own, whose catalogue writes «لطفا» (ours overrides those, helpdesk/third_party_strings.py)."""

import gettext
import re
from pathlib import Path

import django
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
BARE = re.compile("لطفا(?!ً)")  # «لطفا» not followed by the tanwin


def _django_messages_saying_please_bare() -> list[str]:
    """The msgids of Django's Persian catalogues (every contrib app) whose text has the bare «لطفا»."""
    found = []
    for mo in sorted(Path(django.__file__).parent.rglob("locale/fa/LC_MESSAGES/*.mo")):
        with mo.open("rb") as catalogue:
            for msgid, text in gettext.GNUTranslations(catalogue)._catalog.items():
                if isinstance(msgid, str) and msgid and BARE.search(text) and "admindocs" not in mo.parts:
                    found.append(msgid)
    return found


def test_our_catalogue_writes_please_with_its_tanwin():
    text = (ROOT / "locale/fa/LC_MESSAGES/django.po").read_text()
    assert BARE.findall(text) == []
    assert "لطفاً" in text


def test_djangos_messages_that_say_please_read_with_the_tanwin_in_persian():
    messages = _django_messages_saying_please_bare()
    assert len(messages) >= 8  # the sign-in refusal among them: the test reads what it means to
    with translation.override("fa"):
        shown = {msgid: translation.gettext(msgid) for msgid in messages}
    assert {msgid: text for msgid, text in shown.items() if BARE.search(text) or text == msgid} == {}


@pytest.mark.django_db
def test_a_wrong_password_says_please_with_the_tanwin_in_persian(client, agent):
    response = client.post("/login/", {"username": agent.email, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="fa")
    page = response.content.decode()
    assert response.status_code == 200 and 'lang="fa"' in page
    assert "لطفاً" in page and not BARE.search(page)
