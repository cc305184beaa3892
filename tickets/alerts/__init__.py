"""The agents' notification centre: in-app notifications beside the mail outbox.

`services.notify` is the one way news reaches an agent: it writes the in-app line and/or queues the
mail, as each recipient chose per kind (NotificationPreference, else DEFAULT_DELIVERY). The list
page, the top bar's bell and `/api/v1/notifications/` read through `selectors`.
"""
