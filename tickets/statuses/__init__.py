"""Custom statuses: a team's own names for where a ticket stands, each standing for one base status
(tickets.models.statuses). Administrators keep the list (services, the admin, the API); agents choose
them on tickets through tickets.services.ticket_edit."""
