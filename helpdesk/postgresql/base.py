"""Django's PostgreSQL backend (psycopg2), its connection health check made free while the connection is
sound.

A web process keeps its connection between requests (CONN_MAX_AGE) and checks it before each one
(CONN_HEALTH_CHECKS), so a database restarted in between costs no request. Django's check is a
`SELECT 1`: a round trip on every request, hidden from the query counts, as long as a small page's
own queries. Here the check first asks the socket, without waiting, whether the server has sent
anything: an idle connection in good health has nothing to read, while a server that closed it (a
restart, a terminated backend, an idle timeout) has left its goodbye or the end of the stream. Only then
does `SELECT 1` decide, as Django's check would. (urllib3 reuses a kept HTTP connection on the same
test.) A host that vanished without closing anything is found by neither test until TCP gives up.
"""

import select

from django.db.backends.postgresql import base


def _has_something_to_read(fileno: int) -> bool:
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        suspect = self.connection.closed or _has_something_to_read(self.connection.fileno())
        if suspect and not self.is_usable():
            self.close()
        self.health_check_done = True
