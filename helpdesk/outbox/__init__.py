"""The outbox: every outbound mail and webhook delivery, of tickets and of accounts alike.

A message is a row first (`models.NotificationLog`, unique on its key), written in the transaction
of the change that causes it (`queue`); a worker claims the row with a conditional UPDATE and sends
it (`sending`, `delivery`); a failure leaves the row for the retries and the sweep (`tasks`). The
package sits below every app: what is specific to tickets or accounts (which template needs which
context, what a ticket event's webhook body holds) is plugged in through `registry` from above.
"""
