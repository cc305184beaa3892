"""Routing and assignment of new tickets: admin-managed rules (conditions -> actions), automatic
assignment within a team, and the rules' API and admin.

`engine` decides what the rules say for a new ticket, `assignment` picks an agent, `failures` switches
off a rule that fails at run time, `rules` is every write to the rules. tickets.services.routing
applies a decision to a ticket (events with the system as actor, webhooks, SLA) from `ticket_open`.
"""
