"""Only tickets.services.status writes a ticket's custom status (so it always agrees with the status)."""

import ast

from tests.tickets.test_one_writer import _modules

WRITER = "tickets/services/status.py"
WRITTEN = {"custom_status", "custom_status_id"}


def _writes(rel: str, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in ("custom_status", "custom_status_id"):
                    found.append(f"{rel}:{node.lineno}: {ast.unparse(target)} = ...")
        is_write = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        names = {k.arg for k in node.keywords} if isinstance(node, ast.Call) else set()
        if is_write and node.func.attr in {"update", "create", "bulk_update"} and names & WRITTEN:
            found.append(f"{rel}:{node.lineno}: {ast.unparse(node.func)}(custom_status=...)")
    return found


def test_only_the_status_service_sets_a_tickets_custom_status():
    found = [line for rel, tree in _modules() if rel != WRITER for line in _writes(rel, tree)]
    assert found == [], "set it through tickets.services.status (ticket_edit's custom_status):\n" + "\n".join(found)


def test_the_walk_sees_the_writer_itself():
    tree = dict(_modules())[WRITER]
    assert any("ticket.custom_status = ..." in line for line in _writes(WRITER, tree))
