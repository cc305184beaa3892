"""Walks the code: one writer of a ticket's status, one writer of the audit trail, one place that decides
what a customer's reply becomes. Fails naming the file and line that broke the rule."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("helpdesk", "customers", "knowledgebase", "tickets", "bench")

STATUS_WRITER = "tickets/services/status.py"
EVENT_WRITER = "tickets/events.py"
# `.status =` on rows that are not tickets (an inbound email, an article) is their own business.
OTHER_STATUS_TARGETS = {
    ("tickets/email/ingest.py", "inbound.status"),
    ("knowledgebase/services/articles.py", "article.status"),
    ("tickets/problems/services.py", "problem.status"),
}
# Where the reopen window and the follow-up rule may be asked: the services decide, transitions define,
# selectors and the portal page ask only to decide what to show.
REPLY_RULE_NAMES = {"customer_reply_opens_follow_up", "customer_can_reopen", "reopen_days"}
REPLY_RULE_PLACES = ("tickets/services/", "tickets/transitions.py", "tickets/portal/selectors.py")
REPLY_RULE_DISPLAY = {("tickets/portal/views.py", "reopen_days")}  # "you can reopen for N days"


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in rel:
                yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)


def _root_name(node: ast.AST) -> str:
    """`Ticket` for Ticket.objects.filter(...).update, `ticket` for ticket.status."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _status_writes(rel: str, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            for target in targets:
                is_status = isinstance(target, ast.Attribute) and target.attr == "status"
                if is_status and (rel, ast.unparse(target)) not in OTHER_STATUS_TARGETS:
                    found.append(f"{rel}:{node.lineno}: {ast.unparse(target)} = ...")
        if isinstance(node, ast.Call) and any(k.arg == "status" for k in node.keywords):
            func = node.func
            writes = isinstance(func, ast.Attribute) and func.attr in {"create", "update", "bulk_create"}
            if (writes or isinstance(func, ast.Name) and func.id == "Ticket") and _root_name(func) == "Ticket":
                value = next(k.value for k in node.keywords if k.arg == "status")
                if not (isinstance(value, ast.Call) and ast.unparse(value.func) == "status_initial"):
                    found.append(f"{rel}:{node.lineno}: {ast.unparse(func)}(status=...)")
        is_setattr = isinstance(node, ast.Call) and ast.unparse(node.func) == "setattr" and len(node.args) >= 2
        if is_setattr and isinstance(node.args[1], ast.Constant) and node.args[1].value == "status":
            found.append(f"{rel}:{node.lineno}: setattr(..., 'status', ...)")
    return found


def test_only_the_status_service_sets_a_tickets_status():
    found = [line for rel, tree in _modules() if rel != STATUS_WRITER for line in _status_writes(rel, tree)]
    assert found == [], "set the status through tickets.services.status (ticket_change_status):\n" + "\n".join(found)


def test_the_status_service_itself_is_seen_by_the_walk():
    """The walk finds the assignments it forbids elsewhere (so an empty list above means something)."""
    tree = dict(_modules())[STATUS_WRITER]
    assert any("ticket.status = ..." in line for line in _status_writes(STATUS_WRITER, tree))


def _event_writes(rel: str, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        text = ast.unparse(node.func)
        if node.func.attr in {"create", "bulk_create", "get_or_create", "update_or_create"} and (
            text.startswith("TicketEvent.objects.") or text.endswith(("events.create", "events.bulk_create"))
        ):
            found.append(f"{rel}:{node.lineno}: {text}(...)")
        if node.func.attr == "save" and _root_name(node.func) in {"event", "ticket_event"}:
            found.append(f"{rel}:{node.lineno}: {text}()")
    return found


def test_only_tickets_events_writes_ticket_events():
    found = [line for rel, tree in _modules() if rel != EVENT_WRITER for line in _event_writes(rel, tree)]
    assert found == [], "record events through tickets.events (event_record, event_record_bulk):\n" + "\n".join(found)
    tree = dict(_modules())[EVENT_WRITER]
    assert len(_event_writes(EVENT_WRITER, tree)) == 2  # event_record and event_record_bulk


def test_only_the_services_decide_what_a_customers_reply_becomes():
    found = []
    for rel, tree in _modules():
        if rel.startswith(REPLY_RULE_PLACES):
            continue
        for node in ast.walk(tree):
            name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
            if name in REPLY_RULE_NAMES and (rel, name) not in REPLY_RULE_DISPLAY:
                found.append(f"{rel}:{node.lineno}: {name}")
    assert found == [], "ask tickets.services.ticket_customer_reply instead:\n" + "\n".join(found)
