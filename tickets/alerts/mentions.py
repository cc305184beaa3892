"""Who an internal note mentions.

The syntax: `@` and the part of an agent's email before the `@` (`@sara` for sara@example.com), or
`@` and their full name with `_` for each space (`@Sara_Jones`, `@سارا_احمدی`). Letters of any
script, digits, `.`, `-`, `_` and the zero-width non-joiner belong to the name; matching ignores
case. A mention inside an email address (`a@b.c`) is not one: the `@` must start a word.
"""

import re

from django.db.models import Q, Value
from django.db.models.functions import Lower, Replace

from helpdesk.models import Role, User

MENTION = re.compile(r"(?<![\w.@])@([\w.\-\u200c]+)")
MAX_MENTIONS = 20


def mentioned_names(text: str) -> list[str]:
    """The names after each `@` in `text`, lower-cased, once each, at most MAX_MENTIONS (a trailing
    full stop is punctuation, not part of the name)."""
    names: list[str] = []
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".-").lower()
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def mentioned_agents(text: str) -> list[User]:
    """The active agents and administrators `text` mentions, in one query (none without an `@`)."""
    names = mentioned_names(text)
    if not names:
        return []
    by_email = Q()
    for name in names:
        by_email |= Q(email__istartswith=f"{name}@")
    return list(
        User.objects.annotate(handle=Lower(Replace("full_name", Value(" "), Value("_"))))
        .filter(by_email | Q(handle__in=names), is_active=True, role__in=(Role.AGENT, Role.ADMIN))
        .order_by("pk")
    )
