"""Importing another helpdesk's history: django-helpdesk (its database), Zammad and osTicket (their REST
APIs) and CSV files, through `manage.py import_tickets`.

Each source (`django_helpdesk`, `zammad`, `osticket`, `csv`) only reads and yields the neutral records of
`records`; `service` is the one place that writes them here (quietly: no mail, no webhook, no SLA clock)
and `runner` drives a run with its progress bar and its final report. ImportRecord rows make a run
idempotent and resumable.
"""
