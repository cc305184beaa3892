"""Checks that the ids an element refers to (aria-describedby, aria-labelledby, label for) exist on its page."""

from html.parser import HTMLParser

REFERRING = ("aria-describedby", "aria-labelledby", "aria-controls")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in REFERRING and value:
                self.refs.extend((tag, name, ref) for ref in value.split())


def missing_references(html: str) -> list[tuple[str, str, str]]:
    """Every (tag, attribute, id) whose id is on no element of the page."""
    parser = _Ids()
    parser.feed(html)
    return [ref for ref in parser.refs if ref[2] not in parser.ids]
