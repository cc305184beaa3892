"""The ticket status table: which status may follow which. `ticket_change_status` enforces it."""

from .models import Status

ALLOWED: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),  # final: a follow-up ticket links to it instead
}

# What a customer may do themselves: mark their request solved, or reopen a solved one.
CUSTOMER_ALLOWED: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.SOLVED}),
    Status.OPEN: frozenset({Status.SOLVED}),
    Status.PENDING: frozenset({Status.SOLVED}),
    Status.ON_HOLD: frozenset({Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN}),
    Status.CLOSED: frozenset(),
}


def can_transition(old: str, new: str, *, by_customer: bool = False) -> bool:
    table = CUSTOMER_ALLOWED if by_customer else ALLOWED
    return new in table.get(old, frozenset())
