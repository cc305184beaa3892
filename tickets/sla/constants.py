"""How much work one SLA sweep takes, shared by its parts (checks, escalation, referrals)."""

BATCH = 5000  # due items one sweep takes; the rest wait for the next minute, in due order
CHUNK = 250  # tickets checked per transaction
