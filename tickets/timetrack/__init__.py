"""Time tracking: activity types, time entries on tickets, totals and contracts' hours banks.

`services` writes entries (also called by tickets.services.conversation.ticket_reply for the time
logged with a reply or note), `selectors` reads them scoped to the user and sums them in the database,
`forms`/`views` are the ticket page's part, `api` the REST resources, `admin` the activity types.
"""
