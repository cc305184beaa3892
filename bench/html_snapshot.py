"""Save the HTML of the benchmarked pages, English and Persian, to compare a change's output with before.

    DATABASE_URL=postgres://... python -m bench.html_snapshot OUTDIR
    diff -r before/ after/            (or: python -m bench.html_snapshot --compare before/ after/)

Uses bench/pages.py's fixtures (a seeded database, see bench/seed.py) and renders, as the agent and the
customer, the pages bench/pages.py measures plus the fragments a page may load on demand. The clock is
stopped at one moment (`django.utils.timezone.now`), so SLA badges and "x ago" texts are the same in
every run; per-request values (CSRF tokens, CSP nonces, forms' one-time tokens) are replaced by placeholders. --compare prints
a diff that ignores differences in whitespace only.
"""

import argparse
import difflib
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("HELPDESK_SSL_REDIRECT", "0")
os.environ.setdefault("HELPDESK_STATIC_MANIFEST", "0")

MOMENT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value="CSRF"'),
    (re.compile(r'"X-CSRFToken": ?"[^"]+"'), '"X-CSRFToken": "CSRF"'),
    (re.compile(r'nonce="[^"]+"'), 'nonce="NONCE"'),
    # a form's one-time token (a reply posted twice is taken once): new on every render
    (re.compile(r'name="token" value="[0-9a-f-]{36}"'), 'name="token" value="TOKEN"'),
    (re.compile(r'name="csrf-token" content="[^"]+"'), 'name="csrf-token" content="CSRF"'),
]


def normalize(html: str) -> str:
    for pattern, replacement in VOLATILE:
        html = pattern.sub(replacement, html)
    return html


def all_columns_view(agent):
    """A saved view of the agent's showing every column of the list (tags, requester, organization...)."""
    from tickets.models import SavedView
    from tickets.workspace.saved_views import COLUMNS, saved_view_create

    view = SavedView.objects.filter(owner=agent, name="bench: all columns").first()
    return view or saved_view_create(
        actor=agent, name="bench: all columns", query={"view": "open", "sort": "due"}, columns=list(COLUMNS)
    )


def pages(data: dict) -> list[tuple[str, str, str]]:
    """(file name, who, URL)."""
    small, big = data["small"].pk, data["big"].pk
    return [
        ("agent-list-all-columns", "agent", f"/agent/tickets/?view={all_columns_view(data['agent']).pk}"),
        ("agent-list-tagged", "agent", f"/agent/tickets/?view={all_columns_view(data['agent']).pk}&tag=bench"),
        ("agent-ticket-3", "agent", f"/agent/tickets/{small}/"),
        ("agent-ticket-30", "agent", f"/agent/tickets/{big}/"),
        ("agent-timeline-30", "agent", f"/agent/tickets/{big}/timeline/"),
        # the sidebar's panels, which htmx loads after the ticket page (tickets.workspace.side_views); as a
        # page of their own here (no HX-Request), which shows the same panels
        ("agent-ticket-30-side", "agent", f"/agent/tickets/{big}/side/"),
        ("agent-list-open", "agent", "/agent/tickets/?view=open"),
        ("agent-list-mine-due", "agent", "/agent/tickets/?view=mine&sort=due"),
        ("agent-search", "agent", "/agent/tickets/?q=invoice%20refund"),
        # the filter panel showing chosen values (its HTML is kept per language and values)
        ("agent-list-filtered", "agent", f"/agent/tickets/?view=open&priority=high&assignee=me&team={data['team'].pk}"),
        ("agent-home", "agent", "/agent/"),
        ("portal-home", "customer", "/portal/"),
        ("portal-ticket-3", "customer", f"/portal/requests/{small}/"),
        ("portal-ticket-30", "customer", f"/portal/requests/{big}/"),
    ]


def snapshot(outdir: Path) -> None:
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from bench.pages import fixtures

    data = fixtures()
    timezone.now = lambda: MOMENT  # every module reads the clock through django.utils.timezone.now
    outdir.mkdir(parents=True, exist_ok=True)
    for language in ("en", "fa"):
        clients = {}
        for who in ("agent", "customer"):
            client = Client(SERVER_NAME="localhost")
            client.force_login(data[who])
            client.cookies["django_language"] = language
            clients[who] = client
        for name, who, url in pages(data):
            response = clients[who].get(url)
            assert response.status_code == 200, (url, response.status_code)
            (outdir / f"{name}.{language}.html").write_text(normalize(response.content.decode()))
    print(f"saved {len(list(outdir.glob('*.html')))} pages to {outdir}")


def _squeezed(text: str) -> list[str]:
    """The text with whitespace runs made one space and tags one per line: whitespace-only changes vanish."""
    text = re.sub(r"\s+", " ", text)
    return [line.strip() for line in re.sub(r">\s*<", ">\n<", text).splitlines() if line.strip()]


def compare(before: Path, after: Path) -> int:
    changed = 0
    for old in sorted(before.glob("*.html")):
        new = after / old.name
        if not new.exists():
            print(f"missing: {new}")
            changed += 1
            continue
        diff = list(
            difflib.unified_diff(
                _squeezed(old.read_text()), _squeezed(new.read_text()), str(old), str(new), lineterm="", n=1
            )
        )
        if diff:
            changed += 1
            print("\n".join(diff))
        else:
            print(f"same (whitespace aside): {old.name}")
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", nargs="?", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        sys.exit(1 if compare(*args.compare) else 0)
    if not args.outdir:
        parser.error("give OUTDIR or --compare BEFORE AFTER")
    snapshot(args.outdir)


if __name__ == "__main__":
    main()
