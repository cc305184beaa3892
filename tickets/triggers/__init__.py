"""Triggers (actions when something happens on a ticket) and timed rules (actions when a ticket has
stayed in a state for a while), managed by administrators.

`hook` is the one place they are plugged in: tickets.events tells it of every event recorded, and
it runs the triggers after the transaction commits. `engine` decides which triggers match,
`actions` carries out what one says (through the ticket services), `runner` runs them for one event,
`timed` is the every-minute sweep of the timed rules, `rules` every write to both.
"""
